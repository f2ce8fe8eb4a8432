package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ifw/ifw/signatures"
)

// The window's form fields, read with errors in the user's words.

// maxField bounds one field's text (a rule line, a host name).
const maxField = 1024

// parseFor reads a block duration as typed in the window: "" (the
// policy's), "forever" (or "permanent"), a Go duration ("90m", "2h30m")
// or days ("7d"). It returns the control API's form of it.
func parseFor(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "":
		return "", nil
	case "forever", "permanent", "permanently":
		return "forever", nil
	}
	if len(s) > 32 {
		return "", fmt.Errorf("duration %.32q…: too long", s)
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseUint(days, 10, 16)
		if err != nil || n == 0 || n > 3650 {
			return "", fmt.Errorf("duration %q: want 1d to 3650d", s)
		}
		return (time.Duration(n) * 24 * time.Hour).String(), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return "", fmt.Errorf("duration %q: want e.g. 30m, 2h, 7d or forever", s)
	}
	return d.String(), nil
}

// parseID reads a question's or rule's id.
func parseID(s, what string) (uint64, error) {
	id, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil || id == 0 {
		return 0, fmt.Errorf("%s %q: not a number", what, s)
	}
	return id, nil
}

// parseCursor reads the Log's ?before= (0 when absent: the newest page).
func parseCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("before %q: want an alert id", s)
	}
	return n, nil
}

// parseLevel reads the Log's ?min= (0 when absent: every level).
func parseLevel(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > signatures.MaxLevel {
		return 0, fmt.Errorf("min %q: want a level 0-%d", s, signatures.MaxLevel)
	}
	return n, nil
}

// answerOf is the control API's answer for a question button.
func answerOf(button, scope string) (action, lifetime string, err error) {
	switch button {
	case "allow_once":
		action, lifetime = "allow", "once"
	case "allow_always":
		action, lifetime = "allow", "permanent"
	case "deny":
		action, lifetime = "deny", "once"
	case "deny_always":
		action, lifetime = "deny", "permanent"
	default:
		return "", "", fmt.Errorf("unknown answer %q", button)
	}
	switch scope {
	case "", "port", "host", "any":
	default:
		return "", "", fmt.Errorf("scope %q: want port, host or any", scope)
	}
	return action, lifetime, nil
}

// field is a form value, trimmed and bounded.
func field(v string, name string) (string, error) {
	v = strings.TrimSpace(v)
	if len(v) > maxField {
		return "", fmt.Errorf("%s: longer than %d bytes", name, maxField)
	}
	return v, nil
}

// reportLayout is how a datetime-local input writes a time.
const reportLayout = "2006-01-02T15:04"

// parsePeriod reads the Reports form's from and to (local times); empty
// means the last 24 hours.
func parsePeriod(from, to string, now time.Time) (time.Time, time.Time, error) {
	t1, t0 := now, now.Add(-24*time.Hour)
	var err error
	if to != "" {
		if t1, err = parseLocal(to); err != nil {
			return t0, t1, fmt.Errorf("to %q: %w", to, err)
		}
	}
	if from != "" {
		if t0, err = parseLocal(from); err != nil {
			return t0, t1, fmt.Errorf("from %q: %w", from, err)
		}
	} else if to != "" {
		t0 = t1.Add(-24 * time.Hour)
	}
	if !t0.Before(t1) {
		return t0, t1, fmt.Errorf("from %s is not before to %s", t0.Format(reportLayout), t1.Format(reportLayout))
	}
	return t0, t1, nil
}

// parseLocal reads a datetime-local value (seconds optional) or RFC 3339.
func parseLocal(s string) (time.Time, error) {
	for _, layout := range []string{reportLayout, reportLayout + ":05"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("want a time such as 2026-12-05T18:00")
}
