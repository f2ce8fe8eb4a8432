package mail

import (
	"log/slog"

	"golang.org/x/sys/unix"
)

// sandboxHint is the warning for a sendmail run under no_new_privs, as
// ifw.service's sandbox implies (SystemCallFilter= and friends without
// CAP_SYS_ADMIN): the local MTAs' sendmail programs take their privileges
// from setuid/setgid bits (exim4 to deliver, postfix's postdrop to queue),
// which no_new_privs ignores, so a message is accepted and then frozen in
// the queue, and the action cannot tell. SMTP to the MTA's own listener
// hands the delivery to the MTA's daemon instead.
const sandboxHint = "sendmail runs without setuid/setgid here (no_new_privs, e.g. ifw.service's sandbox): " +
	"exim4 accepts the mail but cannot deliver it, postfix's postdrop cannot queue it; " +
	"set smtp = localhost:25 in this action to hand mail to the MTA's daemon"

// warnSandbox logs sandboxHint when c sends through sendmail and this
// process has no_new_privs set (noNewPrivs: the prctl, replaced in tests).
func warnSandbox(c Config, noNewPrivs func() bool, log *slog.Logger) {
	if c.SMTP == "" && noNewPrivs() {
		log.Warn(sandboxHint, "sendmail", c.Sendmail)
	}
}

// processNoNewPrivs reports this process's no_new_privs flag.
func processNoNewPrivs() bool {
	v, err := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
	return err == nil && v == 1
}
