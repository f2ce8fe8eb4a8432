package signatures

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ifw/ifw/etc"
	"github.com/ifw/ifw/signatures/rules"
	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

const capturesDir = "../sources/logline/testdata/captures"

// replayCapture runs a real capture (test/capture/capture.sh) through the
// parser and an engine with the shipped signatures.
func replayCapture(t *testing.T, name string) *Engine {
	t.Helper()
	set, err := rules.Parse(bytes.NewReader(etc.Signatures), "etc/signatures")
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(DefaultConfig(), set)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(capturesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := logline.New(logline.Options{})
	var pkt sources.Packet
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if err := p.Parse(sc.Bytes(), &pkt); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		e.Observe(&pkt)
	}
	return e
}

// TestCaptureScanClasses checks every nmap scan class of the real capture
// is recognised, per protocol, from the attacker to the victim.
func TestCaptureScanClasses(t *testing.T) {
	e := replayCapture(t, "kmsg.log")
	want := map[string][]string{
		"198.51.100.2":  {"syn/tcp", "fin/tcp", "null/tcp", "xmas/tcp", "ack/tcp", "maimon/tcp", "udp/udp", "proto/ip", "icmp/icmp"},
		"2001:db8:1::2": {"syn/tcp", "udp/udp", "icmp6/icmp6"},
	}
	got := map[string]map[string]bool{}
	for _, a := range e.Attackers(0) {
		got[a.Src.String()] = map[string]bool{}
		for _, s := range a.Scans {
			got[a.Src.String()][s.Type+"/"+s.Proto] = true
		}
	}
	for src, classes := range want {
		for _, c := range classes {
			if !got[src][c] {
				t.Errorf("%s: scan class %s not found (have %v)", src, c, got[src])
			}
		}
	}
}

// TestCaptureGolden pins the engine's picture of each real capture form;
// every form of the same kernel records must give the same attackers.
func TestCaptureGolden(t *testing.T) {
	var first []byte
	for _, name := range []string{"kmsg.log", "dmesg.log", "syslog-bsd.log", "journal-short-iso.log"} {
		e := replayCapture(t, name)
		as := e.Attackers(1)
		for i := range as { // forms differ in time stamps only
			as[i].FirstSeen, as[i].LastSeen = time.Time{}, time.Time{}
		}
		got, err := json.MarshalIndent(as, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = got
			goldenFile(t, "testdata/captures.json", append(got, '\n'))
		} else if !bytes.Equal(got, first) {
			t.Errorf("%s gives different attackers from kmsg.log:\n%s", name, got)
		}
	}
}

func goldenFile(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update and review the diff):\n%s", path, got)
	}
}
