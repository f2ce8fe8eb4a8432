package syslog

import (
	"context"
	"errors"
	"fmt"
	"log/syslog"
	"net"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/etc"
	"github.com/ifw/ifw/signatures"
)

// fakeWriter records what is written; it fails while fail is set.
type fakeWriter struct {
	lines  []string
	fail   bool
	closed bool
}

func (w *fakeWriter) Write(p []byte) (int, error) {
	if w.fail {
		return 0, errors.New("connection refused")
	}
	w.lines = append(w.lines, string(p))
	return len(p), nil
}

func (w *fakeWriter) Close() error { w.closed = true; return nil }

func sampleAlert() alerts.Alert {
	dst := netip.MustParseAddr("203.0.113.5")
	return alerts.Alert{
		ID: 17, Src: netip.MustParseAddr("198.51.100.7"), Level: 4, Destinations: []netip.Addr{dst},
		Scans:      []signatures.Scan{{Type: "syn", Proto: "tcp", Dst: dst, MinPort: 1, MaxPort: 1024, DistinctPorts: 1024}},
		Signatures: []signatures.SigHit{{ID: 1, Name: "SCAN FIN"}, {ID: 2, Name: "forged\nifw: danger level 5"}},
	}
}

const wantLine = "danger level 4 from 198.51.100.7 (syn scan tcp/1-1024 to 203.0.113.5; signatures: SCAN FIN, forged ifw: danger level 5)"

func TestLinesAndRedial(t *testing.T) {
	var dials []string
	var writers []*fakeWriter
	dial := func(network, addr string, prio syslog.Priority, tag string) (Writer, error) {
		dials = append(dials, fmt.Sprintf("%s %s %d %s", network, addr, prio, tag))
		w := &fakeWriter{}
		writers = append(writers, w)
		return w, nil
	}
	s, err := NewWithDialer(Config{Facility: "local3", Severity: "notice", Tag: "ifw-test"}, dial, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for range 2 {
		if err := s.Run(ctx, sampleAlert()); err != nil {
			t.Fatal(err)
		}
	}
	writers[0].fail = true
	if err := s.Run(ctx, sampleAlert()); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("failed write: %v", err)
	}
	if err := s.Run(ctx, sampleAlert()); err != nil {
		t.Fatal(err)
	}
	wantDial := fmt.Sprintf("  %d ifw-test", syslog.LOG_LOCAL3|syslog.LOG_NOTICE)
	if len(dials) != 2 || dials[0] != wantDial || !writers[0].closed {
		t.Fatalf("dials %q (first closed: %v); want two of %q", dials, writers[0].closed, wantDial)
	}
	if len(writers[0].lines) != 2 || writers[0].lines[0] != wantLine || len(writers[1].lines) != 1 {
		t.Fatalf("lines %q then %q", writers[0].lines, writers[1].lines)
	}
}

// TestRealSocket: log/syslog writes to a unix datagram socket the test
// listens on, as a syslog daemon would.
func TestRealSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	s, err := New(Config{Network: "unixgram", Addr: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Run(context.Background(), sampleAlert()); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	got := string(buf[:n])
	// <auth.warning = 4*8+4>, a timestamp, tag[pid]: the line.
	re := regexp.MustCompile(`^<36>\w{3} [ \d]\d \d\d:\d\d:\d\d ifw\[\d+\]: (.*)\n$`)
	m := re.FindStringSubmatch(got)
	if m == nil || m[1] != wantLine {
		t.Fatalf("datagram %q; want auth.warning, tag ifw, %q", got, wantLine)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg   Config
		field string
	}{
		{Config{}, ""},
		{Config{Facility: "local7", Severity: "debug", Network: "udp", Addr: "127.0.0.1:514"}, ""},
		{Config{Facility: "security"}, "facility"},
		{Config{Severity: "warn"}, "severity"},
		{Config{Tag: "if w"}, "tag"},
		{Config{Tag: "ifw:"}, "tag"},
		{Config{Network: "udp"}, "addr"},
		{Config{Network: "http", Addr: "x"}, "network"},
	} {
		err := tc.cfg.Validate()
		var ce *etc.ConfigError
		if tc.field == "" && err != nil || tc.field != "" && (!errors.As(err, &ce) || ce.Key != tc.field || !errors.Is(err, ErrConfig)) {
			t.Errorf("Validate(%+v): %v; want an error about %q", tc.cfg, err, tc.field)
		}
	}
}
