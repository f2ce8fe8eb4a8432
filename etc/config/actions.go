package config

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/ifw/ifw/actions/mail"
	"github.com/ifw/ifw/actions/script"
	"github.com/ifw/ifw/actions/syslog"
	"github.com/ifw/ifw/alerts"
)

// maxPasswordFile bounds a mail action's password file.
const maxPasswordFile = 64 << 10

// Action is one [action NAME] section. Route is how the dispatcher
// routes alerts to it (its Action is left nil: Build makes it); the
// Config of its Type is filled.
type Action struct {
	Name string
	// Type is script, syslog, mail or notify.
	Type   string
	Route  alerts.Route
	Script script.Config
	Syslog syslog.Config
	Mail   mail.Config
	// PasswordFile holds the mail action's SMTP password; Build reads it.
	PasswordFile string
	at           where
}

func newAction(name, typ string, w where) Action {
	return Action{Name: name, Type: typ, at: w, Script: script.Config{Name: name},
		Syslog: syslog.Config{Name: name}, Mail: mail.Config{Name: name}}
}

// routeKeys are the keys every action takes: how the dispatcher routes
// and throttles alerts to it. Their bounds are alerts.Route.Validate's.
var routeKeys = keys[Action]{
	"min_level": func(v string, a *Action) error { return whole(v, &a.Route.MinLevel) },
	"timeout":   func(v string, a *Action) error { return duration(v, &a.Route.Timeout) },
	"queue":     func(v string, a *Action) error { return positive(v, &a.Route.Queue) },
	"interval":  func(v string, a *Action) error { return duration(v, &a.Route.Interval) },
	"workers":   func(v string, a *Action) error { return positive(v, &a.Route.Workers) },
	"remember":  func(v string, a *Action) error { return positive(v, &a.Route.Remember) },
}

// actionKinds is the table of action types.
var actionKinds = map[string]kind[Action]{
	"script": {keys: keys[Action]{
		"command":        func(v string, a *Action) error { return text(v, &a.Script.Command) },
		"mode":           func(v string, a *Action) error { return scriptMode(v, &a.Script.Mode) },
		"max_concurrent": func(v string, a *Action) error { return positive(v, &a.Script.MaxConcurrent) },
		"window":         func(v string, a *Action) error { return duration(v, &a.Script.Window) },
	}, required: []string{"command"}, check: func(a *Action) error {
		a.Script.Timeout, a.Script.Remember = a.Route.Timeout, a.Route.Remember
		return a.validate(a.Script.Validate)
	}},
	"syslog": {keys: keys[Action]{
		"tag":      func(v string, a *Action) error { return text(v, &a.Syslog.Tag) },
		"facility": func(v string, a *Action) error { return text(v, &a.Syslog.Facility) },
		"severity": func(v string, a *Action) error { return text(v, &a.Syslog.Severity) },
		"network":  func(v string, a *Action) error { return text(v, &a.Syslog.Network) },
		"addr":     func(v string, a *Action) error { return text(v, &a.Syslog.Addr) },
	}, check: func(a *Action) error { return a.validate(a.Syslog.Validate) }},
	"mail": {keys: keys[Action]{
		"from":          func(v string, a *Action) error { return text(v, &a.Mail.From) },
		"to":            func(v string, a *Action) error { a.Mail.To = commaList(v); return nil },
		"sendmail":      func(v string, a *Action) error { return absPath(v, &a.Mail.Sendmail) },
		"smtp":          func(v string, a *Action) error { return text(v, &a.Mail.SMTP) },
		"username":      func(v string, a *Action) error { return text(v, &a.Mail.Username) },
		"password_file": func(v string, a *Action) error { return absPath(v, &a.PasswordFile) },
		"helo":          func(v string, a *Action) error { return text(v, &a.Mail.Helo) },
	}, required: []string{"to"}, check: func(a *Action) error {
		a.Mail.Timeout = a.Route.Timeout
		return a.validate(a.Mail.Validate)
	}},
	"notify": {keys: keys[Action]{}, check: func(a *Action) error { return a.validate(nil) }},
}

func scriptMode(v string, dst *script.Mode) error {
	if v != string(script.ModeAlert) && v != string(script.ModeAttacker) {
		return fmt.Errorf("%q: want alert or attacker", v)
	}
	*dst = script.Mode(v)
	return nil
}

// validate checks the route (alerts.Route.Validate, with a stand-in for
// the action Build makes) and then the type's Config.
func (a *Action) validate(typeConfig func() error) error {
	r := a.Route
	r.Action = named(a.Name)
	if err := r.Validate(); err != nil {
		return err
	}
	if typeConfig == nil {
		return nil
	}
	return typeConfig()
}

// named stands for an action not made yet, for Route.Validate.
type named string

func (n named) Name() string                          { return string(n) }
func (named) Run(context.Context, alerts.Alert) error { return nil }

// Build makes the action of a script, syslog or mail section (a notify
// action needs the daemon's hub: the daemon makes it). An error is placed
// at the section's line of the key it is about.
func (a *Action) Build(log *slog.Logger) (alerts.Action, error) {
	var act alerts.Action
	var err error
	switch a.Type {
	case "script":
		act, err = script.New(a.Script, log)
	case "syslog":
		act, err = syslog.New(a.Syslog, log)
	case "mail":
		act, err = a.buildMail(log)
	default:
		err = fmt.Errorf("a %s action is made by the daemon", a.Type)
	}
	if err != nil {
		return nil, a.Wrap(err)
	}
	return act, nil
}

func (a *Action) buildMail(log *slog.Logger) (alerts.Action, error) {
	cfg := a.Mail
	if a.PasswordFile != "" {
		pw, err := readRegular(a.PasswordFile, maxPasswordFile)
		if err != nil {
			return nil, err
		}
		cfg.Password = strings.TrimSpace(string(pw))
	}
	return mail.New(cfg, log)
}

// Wrap places an error about the action at the line of the key it names,
// or of the first of command, sendmail, smtp and to the section holds, or
// of the section.
func (a *Action) Wrap(err error) error {
	return a.at.place(err, "command", "sendmail", "smtp", "to")
}
