package config

import (
	"time"

	"github.com/ifw/ifw/actions/mail"
	"github.com/ifw/ifw/alerts/report"
)

// Report is the [report] section: the daemon's periodic report.
type Report struct {
	Every   time.Duration // 0: no periodic report
	Format  string        // text, markdown, json, html
	Deliver string        // file, mail, script, notify
	Dir     string        // file: where reports are written
	Command string        // script: a command line; REPORT is the report file
	// To, From, Sendmail and SMTP are the mail delivery's (mail.Config).
	To       []string
	From     string
	Sendmail string
	SMTP     string
	Top      int // entries of each top list
}

func defaultReport() Report {
	return Report{Format: "html", Deliver: "file", Dir: "/var/lib/ifw/reports", Top: report.DefaultTop}
}

var reportKeys = keys[Report]{
	"every":    func(v string, r *Report) error { return durationOrZero(v, &r.Every) },
	"format":   func(v string, r *Report) error { return oneOf(v, &r.Format, "text", "markdown", "json", "html") },
	"deliver":  func(v string, r *Report) error { return oneOf(v, &r.Deliver, "file", "mail", "script", "notify") },
	"dir":      func(v string, r *Report) error { return absPath(v, &r.Dir) },
	"command":  func(v string, r *Report) error { return text(v, &r.Command) },
	"to":       func(v string, r *Report) error { r.To = commaList(v); return nil },
	"from":     func(v string, r *Report) error { r.From = v; return nil },
	"sendmail": func(v string, r *Report) error { return absPath(v, &r.Sendmail) },
	"smtp":     func(v string, r *Report) error { r.SMTP = v; return nil },
	"top":      func(v string, r *Report) error { return intRange(v, 1, report.MaxTop, &r.Top) },
}

// MailConfig is the mail delivery's mail.Config.
func (r *Report) MailConfig() mail.Config {
	return mail.Config{Name: "report", From: r.From, To: r.To, Sendmail: r.Sendmail, SMTP: r.SMTP}
}

func (r *Report) validate() error {
	switch {
	case r.Every == 0:
		return nil
	case r.Deliver == "mail" && len(r.To) == 0:
		return errAt("deliver", "mail delivery needs to")
	case r.Deliver == "script" && r.Command == "":
		return errAt("deliver", "script delivery needs command")
	case r.Deliver == "mail":
		return r.MailConfig().Validate()
	}
	return nil
}
