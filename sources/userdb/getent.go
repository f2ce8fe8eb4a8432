package userdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

const (
	// getentTimeout bounds one getent run (a slow LDAP server).
	getentTimeout = 3 * time.Second
	// maxEntry bounds getent's output: one passwd or group entry, or one
	// user's groups.
	maxEntry = 64 << 10
)

// defaultGetent is the getent program DB runs unless told another.
const defaultGetent = "/usr/bin/getent"

// errNotFound is getent's exit status 2: the key is not in the database.
var errNotFound = errors.New("not found")

// errTooLong is getent's output past maxEntry.
var errTooLong = errors.New("getent: entry longer than 64 KiB")

// DB looks users and groups up with os/user, then with Getent.
type DB struct {
	// Getent is the getent program: a path, or a name looked up in PATH.
	// "" is /usr/bin/getent (glibc's libc-bin, everywhere /usr is merged):
	// a daemon running as root does not run what its PATH finds first.
	Getent string

	timeout time.Duration // of one run; 0 is getentTimeout
}

// query runs `getent database -- key` and returns its first line's fields
// split at sep. errNotFound when getent does not know key; any other
// failure (no getent, a timeout, a crash) is an error.
func (d DB) query(database, key string) ([]string, error) {
	if key == "" || strings.ContainsAny(key, "\x00\n") {
		return nil, errNotFound
	}
	prog := d.Getent
	if prog == "" {
		prog = defaultGetent
	}
	timeout := d.timeout
	if timeout == 0 {
		timeout = getentTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var out limited
	cmd := exec.CommandContext(ctx, prog, database, "--", key)
	cmd.Stdout = &out
	cmd.WaitDelay = time.Second // a child left holding stdout does not hold us
	err := cmd.Run()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) && ee.ExitCode() == 2 && !out.over {
		return nil, errNotFound
	}
	if err != nil {
		if out.over {
			return nil, errTooLong
		}
		return nil, fmt.Errorf("getent %s %q: %w", database, key, err)
	}
	line, _, _ := bytes.Cut(out.b, []byte("\n"))
	if database == "initgroups" {
		return strings.Fields(string(line)), nil
	}
	return strings.Split(string(line), ":"), nil
}

// limited keeps at most maxEntry bytes and fails the write past them,
// which ends getent's output copy.
type limited struct {
	b    []byte
	over bool
}

func (l *limited) Write(p []byte) (int, error) {
	if len(l.b)+len(p) > maxEntry {
		l.over = true
		return 0, errTooLong
	}
	l.b = append(l.b, p...)
	return len(p), nil
}
