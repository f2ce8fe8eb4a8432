package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ifw/ifw/actions/mail"
	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/script"
	"github.com/ifw/ifw/actions/syslog"
	"github.com/ifw/ifw/alerts"
)

// actionType is what an [action NAME] section of one type may say and how
// its action is built.
type actionType struct {
	keys     map[string]func(string) error
	required []string
	build    func(s sourceSettings, log *slog.Logger) (alerts.Action, error)
}

// routeKeys are the keys every action takes: how the dispatcher routes and
// throttles alerts to it.
var routeKeys = map[string]func(string) error{
	"min_level": levelValue, "timeout": durationValue, "queue": countValue,
	"interval": durationValue, "workers": countValue, "remember": countValue,
}

// actionTypes is the explicit table of action types.
var actionTypes = map[string]actionType{
	"script": {keys: map[string]func(string) error{"command": anyValue, "mode": modeValue, "max_concurrent": countValue, "window": durationValue},
		required: []string{"command"}, build: buildScript},
	"syslog": {keys: map[string]func(string) error{"tag": anyValue, "facility": anyValue, "severity": anyValue, "network": anyValue, "addr": anyValue},
		build: buildSyslog},
	"mail": {keys: map[string]func(string) error{"from": anyValue, "to": anyValue, "sendmail": absPath, "smtp": anyValue,
		"username": anyValue, "password_file": absPath, "helo": anyValue}, required: []string{"to"}, build: buildMail},
	"notify": {keys: map[string]func(string) error{}, build: nil}, // built by buildActions: the daemon keeps the hub
}

func actionSpec(kind string) (sectionSpec, bool) {
	at, ok := actionTypes[kind]
	if !ok {
		return sectionSpec{}, false
	}
	keys := make(map[string]func(string) error, len(at.keys)+len(routeKeys))
	for k, v := range routeKeys {
		keys[k] = v
	}
	for k, v := range at.keys {
		keys[k] = v
	}
	return sectionSpec{keys: keys, required: at.required}, true
}

// readActions reads every [action NAME] section.
func readActions(c *confFile, cfg *daemonConfig) error {
	list, err := readTypedSections(c, "action", "action", actionSpec, mapKeys(actionTypes))
	cfg.actions = list
	return err
}

// builtActions is what buildActions makes for the daemon.
type builtActions struct {
	routes []alerts.Route
	hub    *notify.Hub // nil without a notify action
	close  []func() error
}

// buildActions makes every configured action and its route; an error is
// given at its line of the configuration file path.
func buildActions(path string, list []sourceSettings, log *slog.Logger) (*builtActions, error) {
	b := &builtActions{}
	for _, s := range list {
		act, err := b.build(s, log.With("action", s.name))
		if err != nil {
			b.closeAll()
			return nil, actionConfError(path, s, err)
		}
		r := routeOf(s)
		r.Action = act
		b.routes = append(b.routes, r)
	}
	return b, nil
}

func (b *builtActions) build(s sourceSettings, log *slog.Logger) (alerts.Action, error) {
	if s.kind != "notify" {
		act, err := actionTypes[s.kind].build(s, log)
		if c, ok := act.(interface{ Close() error }); ok && err == nil {
			b.close = append(b.close, c.Close)
		}
		return act, err
	}
	if b.hub != nil {
		return nil, errors.New("only one notify action")
	}
	fb, err := notify.NewSessionFallback(notify.FallbackConfig{}, log)
	if err != nil {
		return nil, err
	}
	if b.hub, err = notify.NewHub(notify.Config{Fallback: fb}, log); err != nil {
		return nil, err
	}
	return desktopAction{b.hub}, nil
}

func (b *builtActions) closeAll() {
	if b.hub != nil {
		b.hub.Close()
	}
	for _, c := range b.close {
		_ = c()
	}
}

// desktopAction is the hub as an action: no applet and no desktop session
// is a skip, not a failure.
type desktopAction struct{ hub *notify.Hub }

func (a desktopAction) Name() string { return a.hub.Name() }
func (a desktopAction) Run(ctx context.Context, al alerts.Alert) error {
	err := a.hub.Run(ctx, al)
	if errors.Is(err, notify.ErrNoApplet) || errors.Is(err, notify.ErrNoSession) {
		return fmt.Errorf("%w: %v", alerts.ErrSkip, err)
	}
	return err
}

// routeOf reads the routing keys; they were checked when the file was read.
func routeOf(s sourceSettings) alerts.Route {
	r := alerts.Route{}
	r.MinLevel, _ = strconv.Atoi(s.keys["min_level"])
	r.Timeout, _ = time.ParseDuration(s.keys["timeout"])
	r.Interval, _ = time.ParseDuration(s.keys["interval"])
	r.Queue, _ = strconv.Atoi(s.keys["queue"])
	r.Workers, _ = strconv.Atoi(s.keys["workers"])
	r.Remember, _ = strconv.Atoi(s.keys["remember"])
	return r
}

func buildScript(s sourceSettings, log *slog.Logger) (alerts.Action, error) {
	cfg := script.Config{Name: s.name, Command: s.keys["command"], Mode: script.Mode(s.keys["mode"])}
	cfg.Timeout, _ = time.ParseDuration(s.keys["timeout"])
	cfg.Window, _ = time.ParseDuration(s.keys["window"])
	cfg.MaxConcurrent, _ = strconv.Atoi(s.keys["max_concurrent"])
	cfg.Remember, _ = strconv.Atoi(s.keys["remember"])
	return script.New(cfg, log)
}

func buildSyslog(s sourceSettings, log *slog.Logger) (alerts.Action, error) {
	return syslog.New(syslog.Config{Name: s.name, Tag: s.keys["tag"], Facility: s.keys["facility"],
		Severity: s.keys["severity"], Network: s.keys["network"], Addr: s.keys["addr"]}, log)
}

func buildMail(s sourceSettings, log *slog.Logger) (alerts.Action, error) {
	cfg := mail.Config{Name: s.name, From: s.keys["from"], To: commaList(s.keys["to"]), Sendmail: s.keys["sendmail"],
		SMTP: s.keys["smtp"], Username: s.keys["username"], Helo: s.keys["helo"]}
	cfg.Timeout, _ = time.ParseDuration(s.keys["timeout"])
	if f := s.keys["password_file"]; f != "" {
		pw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		cfg.Password = strings.TrimSpace(string(pw))
	}
	return mail.New(cfg, log)
}

func levelValue(v string) error {
	var n int
	return intRange(v, 0, 5, &n)
}

func durationValue(v string) error {
	var d time.Duration
	return duration(v, &d)
}

func countValue(v string) error {
	var n int
	return intRange(v, 1, 1_000_000, &n)
}

func modeValue(v string) error {
	if v != string(script.ModeAlert) && v != string(script.ModeAttacker) {
		return fmt.Errorf("%q: want alert or attacker", v)
	}
	return nil
}
