package script

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/program"
	"github.com/ifw/ifw/actions/program/programtest"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// TestHostileValues: whatever the values hold, each stays inside the one
// argument (and the one variable) it was placed in.
func TestHostileValues(t *testing.T) {
	dir := programtest.Dir(t)
	helper := installHelper(t, dir, "helper")
	out := filepath.Join(dir, "out.json")
	hostile := "gw; rm -rf / $(id) `id` \"q\" 'q' &&\nsecond line\tDSTIP"
	a := sampleAlert("198.51.100.7")
	a.Host = hostile
	a.Signatures = append(a.Signatures, signatures.SigHit{ID: 9, Name: "x; $(reboot) `halt`"})
	a.OS = "Linux\x00$(id)"
	s, err := New(Config{Command: helperEnv + "=argv OUT=" + out + " " + helper +
		` SRCIP HOST "host=HOST!" SIGS "level DL from SRCIP" SRCIPS xDL DSTIP DPORTS SCAN PROTO ALERTID TIME OS TOOL ''`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	got := readRun(t, out)
	want := []string{helper, "198.51.100.7", hostile, "host=" + hostile + "!", "SCAN FIN; x; $(reboot) `halt`",
		"level 4 from 198.51.100.7", "SRCIPS", "xDL", "203.0.113.5", "1-1024", "syn,udp", "tcp,udp", "17",
		"2024-03-01T12:00:00Z", "Linux$(id)", "nmap", ""}
	if !slices.Equal(got.Args, want) {
		t.Errorf("argv\n got %q\nwant %q", got.Args, want)
	}
	wantEnv := []string{"PATH=" + DefaultPath, helperEnv + "=argv", "OUT=" + out,
		"IFW_SRCIP=198.51.100.7", "IFW_DSTIP=203.0.113.5", "IFW_DL=4", "IFW_PROTO=tcp,udp", "IFW_DPORTS=1-1024",
		"IFW_SCAN=syn,udp", "IFW_SIGS=SCAN FIN; x; $(reboot) `halt`", "IFW_HOST=" + hostile, "IFW_ALERTID=17",
		"IFW_TIME=2024-03-01T12:00:00Z", "IFW_OS=Linux$(id)", "IFW_TOOL=nmap", "IFW_TRUSTED=no"}
	if !slices.Equal(got.Env, wantEnv) {
		t.Errorf("environment\n got %q\nwant %q", got.Env, wantEnv)
	}
}

// TestPsadRecipe: psad's notify-send recipe, word for word, with a PATH
// that finds a stand-in notify-send.
func TestPsadRecipe(t *testing.T) {
	dir := programtest.Dir(t)
	installHelper(t, dir, "notify-send")
	out := filepath.Join(dir, "out.json")
	recipe := `DISPLAY=:0.0 XAUTHORITY=/home/USER/.Xauthority notify-send -t 0 -i ICON -c network "Firewall Alert" "Intrusion detected from SRCIP"`
	s, err := New(Config{Command: "PATH=" + dir + " " + helperEnv + "=argv OUT=" + out + " " + recipe}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background(), sampleAlert("198.51.100.7")); err != nil {
		t.Fatal(err)
	}
	got := readRun(t, out)
	want := []string{"notify-send", "-t", "0", "-i", "ICON", "-c", "network", "Firewall Alert", "Intrusion detected from 198.51.100.7"}
	if !slices.Equal(got.Args, want) {
		t.Errorf("argv\n got %q\nwant %q", got.Args, want)
	}
	for _, kv := range []string{"PATH=" + dir, "DISPLAY=:0.0", "XAUTHORITY=/home/USER/.Xauthority", "IFW_SRCIP=198.51.100.7"} {
		if !slices.Contains(got.Env, kv) {
			t.Errorf("environment %q lacks %q", got.Env, kv)
		}
	}
	if s.Path() != filepath.Join(dir, "notify-send") {
		t.Errorf("resolved to %s", s.Path())
	}
}

// TestRunErrors: a run that fails, or outlives Config.Timeout, is the
// action's error around a *program.RunError (actions/program tests the
// run itself: the process group killed, standard error kept).
func TestRunErrors(t *testing.T) {
	dir := programtest.Dir(t)
	for _, tc := range []struct {
		body   string
		status int
		err    error
	}{
		{"#!/bin/sh\necho 'no display' >&2\nexit 3\n", 3, nil},
		{"#!/bin/sh\nexec sleep 3600\n", -1, context.DeadlineExceeded},
	} {
		prog := programtest.Write(t, dir, fmt.Sprint("p", tc.status), tc.body)
		s, err := New(Config{Name: "x", Command: prog, Timeout: 300 * time.Millisecond}, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = s.Run(context.Background(), sampleAlert("198.51.100.7"))
		var re *program.RunError
		if !errors.As(err, &re) || re.Status != tc.status || tc.err != nil && !errors.Is(err, tc.err) ||
			!strings.HasPrefix(err.Error(), "script x: "+prog) {
			t.Errorf("%q: err %v; want status %d, %v", tc.body, err, tc.status, tc.err)
		}
	}
}

// TestAttackerMode: once per source per window; a run that never started
// does not count.
func TestAttackerMode(t *testing.T) {
	dir := programtest.Dir(t)
	log := filepath.Join(dir, "log")
	prog := programtest.Write(t, dir, "record", "#!/bin/sh\necho \"$1\" >> \"$2\"\n")
	s, err := New(Config{Command: prog + " SRCIP " + log, Mode: ModeAttacker, Window: time.Hour}, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	s.sem <- struct{}{} // every slot taken (MaxConcurrent 4): the next run waits
	s.sem <- struct{}{}
	s.sem <- struct{}{}
	s.sem <- struct{}{}
	if err := s.Run(cancelled, sampleAlert("198.51.100.1")); !errors.Is(err, context.Canceled) {
		t.Fatalf("run that never started: %v", err)
	}
	for range 4 {
		<-s.sem
	}
	for i, step := range []struct {
		src     string
		after   time.Duration
		skipped bool
	}{
		{"198.51.100.1", 0, false}, {"198.51.100.1", time.Minute, true}, {"198.51.100.2", 0, false},
		{"198.51.100.1", 58 * time.Minute, true}, {"198.51.100.1", time.Minute, false}, {"198.51.100.2", 0, true},
	} {
		now = now.Add(step.after)
		err := s.Run(context.Background(), sampleAlert(step.src))
		if skipped := errors.Is(err, alerts.ErrSkip); skipped != step.skipped || err != nil && !skipped {
			t.Fatalf("step %d (%s): %v; want skipped %v", i, step.src, err, step.skipped)
		}
	}
	b, _ := os.ReadFile(log)
	if got := string(b); got != "198.51.100.1\n198.51.100.2\n198.51.100.1\n" {
		t.Fatalf("runs:\n%s", got)
	}
}

// TestMaxConcurrent: six runs, two at a time. The runs wait for a signal
// file, so two of them are seen running together before any ends; the log
// of starts and ends then shows no third one ever ran beside them.
func TestMaxConcurrent(t *testing.T) {
	dir := programtest.Dir(t)
	log, release := filepath.Join(dir, "log"), filepath.Join(dir, "go")
	prog := programtest.Write(t, dir, "wait", "#!/bin/sh\necho start >> "+log+
		"\nwhile [ ! -e "+release+" ]; do sleep 0.01; done\necho end >> "+log+"\n")
	s, err := New(Config{Command: prog, MaxConcurrent: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if err := s.Run(context.Background(), sampleAlert("198.51.100.7")); err != nil {
				t.Error(err)
			}
		})
	}
	events := func() []string {
		b, _ := os.ReadFile(log)
		return strings.Fields(string(b))
	}
	for deadline := time.Now().Add(time.Minute); len(events()) < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) { // a guard against a hang, not a speed limit
			t.Fatalf("two runs never started together: %q", events())
		}
	}
	if err := os.WriteFile(release, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	running, most := 0, 0
	for _, e := range events() {
		if e == "start" {
			running++
		} else {
			running--
		}
		most = max(most, running)
	}
	if got := events(); len(got) != 12 || most != 2 {
		t.Fatalf("events %q: at most %d at once; want six runs, two at a time", got, most)
	}
}
