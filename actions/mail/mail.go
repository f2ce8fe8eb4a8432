package mail

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"time"

	"github.com/ifw/ifw/actions/program"
	"github.com/ifw/ifw/alerts"
)

// Mail is an alerts.Action that mails alerts.
type Mail struct {
	cfg  Config
	from string   // envelope sender
	rcpt []string // envelope recipients
	log  *slog.Logger
	now  func() time.Time
	smtp smtpOptions
}

// New checks cfg and makes a Mail. Nothing is contacted before the first
// alert. A nil log discards.
func New(cfg Config, log *slog.Logger) (*Mail, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Mail{cfg: cfg, log: log.With("action", cfg.Name), now: time.Now}
	warnSandbox(cfg, processNoNewPrivs, m.log)
	m.from = envelope(cfg.From)
	for _, to := range cfg.To {
		m.rcpt = append(m.rcpt, envelope(to))
	}
	return m, nil
}

// envelope is the address part of a valid address ("root@example.org").
func envelope(addr string) string {
	a, err := mail.ParseAddress(addr)
	if err != nil {
		return addr // Validate has parsed it
	}
	return a.Address
}

// Name is Config.Name.
func (m *Mail) Name() string { return m.cfg.Name }

// Run mails a, through SMTP or sendmail, within Config.Timeout.
func (m *Mail) Run(ctx context.Context, a alerts.Alert) error {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	if err := m.deliver(ctx, message(m.cfg.From, m.cfg.To, a, m.now())); err != nil {
		return err
	}
	m.log.Debug("alert mailed", "alert", a.ID, "src", a.Src, "to", m.rcpt)
	return nil
}

// Send mails any plain-text message (a periodic report) the way Run mails
// an alert, within Config.Timeout.
func (m *Mail) Send(ctx context.Context, subject, body string) error {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	now := m.now()
	return m.deliver(ctx, compose(m.cfg.From, m.cfg.To, subject, fmt.Sprintf("<ifw.report.%d@ifw.invalid>", now.UnixNano()), body, now))
}

// deliver hands msg to SMTP or sendmail.
func (m *Mail) deliver(ctx context.Context, msg []byte) error {
	var err error
	if m.cfg.SMTP != "" {
		err = m.sendSMTP(ctx, msg)
	} else {
		err = m.sendmail(ctx, msg)
	}
	if err != nil {
		return fmt.Errorf("mail %s: %w", m.cfg.Name, err)
	}
	return nil
}

// sendmail runs `sendmail -t -oi` with msg on its standard input. The
// program is held to actions/program's rule, as the script action's are
// (only root can change it or any directory above it), and the file
// checked is the file run.
func (m *Mail) sendmail(ctx context.Context, msg []byte) error {
	exe, err := program.OpenTrusted(m.cfg.Sendmail, m.cfg.Sendmail)
	if err != nil {
		return err
	}
	defer exe.Close()
	cmd := program.Command{
		Path:  m.cfg.Sendmail,
		Args:  []string{m.cfg.Sendmail, "-t", "-oi"},
		Env:   []string{"PATH=" + program.DefaultPath},
		Stdin: msg,
		Exe:   exe,
	}
	return cmd.Run(ctx)
}
