package etc

import (
	"errors"
	"testing"
)

// TestConfigErrorWording: one wording, FILE:LINE: [section] key: reason,
// leaving out what is not known; a Validate error read alone names its
// package's sentinel.
func TestConfigErrorWording(t *testing.T) {
	errX := errors.New("x: invalid config")
	for _, tc := range []struct {
		err  *ConfigError
		want string
	}{
		{&ConfigError{File: "/etc/ifw/ifw.conf", Line: 7, Section: "block", Key: "repeat_factor", Reason: "too big", Err: errX},
			"/etc/ifw/ifw.conf:7: [block] repeat_factor: too big"},
		{&ConfigError{File: "f", Line: 1, Section: "colour", Reason: "unknown section"}, "f:1: [colour]: unknown section"},
		{&ConfigError{File: "f", Line: 2, Reason: "NUL byte"}, "f:2: NUL byte"},
		{&ConfigError{File: "f", Reason: "unreadable"}, "f: unreadable"},
		{&ConfigError{Key: "min_level", Reason: "9 is not 1-5", Err: errX}, "x: invalid config: min_level: 9 is not 1-5"},
		{&ConfigError{Section: "action hook", Key: "workers", Reason: "65 is not 0-64", Err: errX}, "[action hook] workers: 65 is not 0-64"},
		{&ConfigError{Key: "k", Reason: "r"}, "k: r"},
		{&ConfigError{File: "f", Line: 3, Key: "host", Err: errX}, "f:3: host: x: invalid config"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%+v:\n got %q\nwant %q", *tc.err, got, tc.want)
		}
		if tc.err.Err != nil && !errors.Is(tc.err, errX) {
			t.Errorf("%v does not match its sentinel", tc.err)
		}
	}
	if err := Invalid(errX, "mode", "%q is not %s", "x", "ask"); err.Error() != `x: invalid config: mode: "x" is not ask` || !errors.Is(err, errX) {
		t.Errorf("Invalid: %v", err)
	}
}
