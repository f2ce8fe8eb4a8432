// Package script runs an external program for alerts: psad's
// EXTERNAL_SCRIPT, without its shell.
//
// The configured command line is split into words once, at New, the way a
// POSIX shell splits words (blanks separate; single quotes, double quotes
// and backslashes quote), but no shell ever runs: there is no expansion,
// no redirection, no pipe. Shell syntax that would mean something else to
// a shell (| & ; < > ( ) $ ` and a leading #) is refused with a
// *SyntaxError, so that a command copied from a shell recipe never does
// something other than it seems; globs and ~ are ordinary characters.
//
// Leading NAME=value words set environment variables, as env(1) does; the
// next word is the program; the rest are its arguments. In the arguments,
// the placeholders SRCIP, DSTIP (first destination), DL, PROTO, DPORTS
// ("22,80,1000-2000"), SCAN (scan types), SIGS (signature names, "; "
// between them), HOST, ALERTID, TIME (RFC 3339), OS and TOOL are replaced
// wherever they stand as a whole token (not inside a longer name:
// SRCIPS stays as it is), in one pass: a value is never substituted again,
// and whatever it holds (spaces, quotes, ;, $(), backticks, newlines)
// stays inside the one argument it was placed in. The program runs with an
// environment of its own: PATH=/usr/sbin:/usr/bin:/sbin:/bin, the command's
// NAME=value words, and IFW_SRCIP, IFW_DSTIP, IFW_DL… carrying the
// placeholders' values. So psad's desktop recipe works unchanged:
//
//	DISPLAY=:0.0 XAUTHORITY=/home/USER/.Xauthority notify-send -t 0 -i ICON -c network "Firewall Alert" "Intrusion detected from SRCIP"
//
// # Trust
//
// The program must resolve to an absolute path (a bare name is looked up
// in the command's PATH, or the default one), and only root may be able to
// change it: actions/program's rule (program.OpenTrusted), the one the mail
// action holds sendmail to. Otherwise it is refused (a
// *program.RefusedError). The check runs at New and again before every
// run, and the run is of the very file checked.
//
// # Runs
//
// In ModeAlert the program runs once per alert; in ModeAttacker once per
// source per Config.Window (psad's EXEC_EXT_SCRIPT_PER_ALERT=N), the other
// alerts answered with alerts.ErrSkip; a run that fails counts as a run,
// one that never started (refused, or no free slot before the context
// ended) does not. At most Config.MaxConcurrent runs are
// in progress; the others wait. Each run is the leader of its own process
// group; at its timeout the whole group is killed (a child that makes a
// session of its own escapes). Standard error is kept (up to
// program.MaxStderr bytes) for the error of a failed run (a
// *program.RunError).
package script
