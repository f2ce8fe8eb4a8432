package mail

import (
	"errors"
	"testing"
	"time"

	"github.com/ifw/ifw/etc"
)

func TestValidate(t *testing.T) {
	ok := Config{From: "root@example.org", To: []string{"admin@example.org"}}
	with := func(f func(*Config)) Config { c := ok; f(&c); return c }
	for _, tc := range []struct {
		name  string
		cfg   Config
		field string
	}{
		{"sendmail", ok, ""},
		{"smtp", with(func(c *Config) { c.SMTP, c.Username, c.Password = "mail.example.org:587", "ifw", "x" }), ""},
		{"no recipient", with(func(c *Config) { c.To = nil }), "to"},
		{"bad recipient", with(func(c *Config) { c.To = []string{"admin"} }), "to"},
		{"header injection", with(func(c *Config) { c.From = "root@example.org\nBcc: x@example.org" }), "from"},
		{"no sender", with(func(c *Config) { c.From = "" }), "from"},
		{"both transports", with(func(c *Config) { c.SMTP, c.Sendmail = "h:25", "/usr/sbin/sendmail" }), "smtp"},
		{"relative sendmail", with(func(c *Config) { c.Sendmail = "sendmail" }), "sendmail"},
		{"smtp without port", with(func(c *Config) { c.SMTP = "mail.example.org" }), "smtp"},
		{"auth without smtp", with(func(c *Config) { c.Username = "ifw" }), "username"},
		{"helo", with(func(c *Config) { c.Helo = "a b" }), "helo"},
		{"timeout", with(func(c *Config) { c.Timeout = 2 * time.Hour }), "timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			var ce *etc.ConfigError
			if tc.field == "" && err != nil || tc.field != "" && (!errors.As(err, &ce) || ce.Key != tc.field || !errors.Is(err, ErrConfig)) {
				t.Fatalf("Validate: %v; want an error about %q", err, tc.field)
			}
		})
	}
}
