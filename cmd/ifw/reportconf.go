package main

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// reportSettings is the [report] section: the daemon's periodic report.
type reportSettings struct {
	every   time.Duration // 0: no periodic report
	format  string        // text, markdown, json, html
	deliver string        // file, mail, script, notify
	dir     string        // file: where reports are written
	command string        // script: a command line; REPORT is the report file
	to      []string      // mail
	from    string
	mailer  string // sendmail path
	smtp    string
	top     int
}

func defaultReportSettings() reportSettings {
	return reportSettings{format: "html", deliver: "file", dir: "/var/lib/ifw/reports", top: 10}
}

// readReport applies the [report] section.
func readReport(c *confFile, r *reportSettings) error {
	if err := c.readSection("report", func(k, v string) error { return applyReportKey(k, v, r) }); err != nil {
		return err
	}
	if r.every > 0 && r.deliver == "mail" && len(r.to) == 0 {
		return c.errorf("report", "deliver", "mail delivery needs to")
	}
	if r.every > 0 && r.deliver == "script" && r.command == "" {
		return c.errorf("report", "deliver", "script delivery needs command")
	}
	return nil
}

func applyReportKey(key, v string, r *reportSettings) error {
	switch key {
	case "every":
		return durationOrZero(v, &r.every)
	case "format":
		return oneOf(v, &r.format, "text", "markdown", "json", "html")
	case "deliver":
		return oneOf(v, &r.deliver, "file", "mail", "script", "notify")
	case "dir":
		r.dir = v
		return absPath(v)
	case "command":
		r.command = v
		return anyValue(v)
	case "to":
		r.to = commaList(v)
	case "from":
		r.from = v
	case "sendmail":
		r.mailer = v
		return absPath(v)
	case "smtp":
		r.smtp = v
	case "top":
		return intRange(v, 1, 1000, &r.top)
	default:
		return errors.New("unknown key")
	}
	return nil
}

func oneOf(v string, dst *string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			*dst = v
			return nil
		}
	}
	return fmt.Errorf("%q: want one of %s", v, strings.Join(allowed, ", "))
}
