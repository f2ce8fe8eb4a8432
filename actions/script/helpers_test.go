package script

import (
	"encoding/json"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// helperEnv, set in a run's environment, makes the test binary a helper
// program instead of running tests: "argv" writes its argv and
// environment as JSON to $OUT.
const helperEnv = "SCRIPT_TEST_HELPER"

// helperRun is what the helper writes.
type helperRun struct {
	Args []string `json:"args"`
	Env  []string `json:"env"`
}

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "argv" {
		b, _ := json.Marshal(helperRun{Args: os.Args, Env: os.Environ()})
		if err := os.WriteFile(os.Getenv("OUT"), b, 0o600); err != nil {
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// installHelper copies the test binary to dir/name.
func installHelper(t testing.TB, dir, name string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	p := filepath.Join(dir, name)
	out, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// readRun reads what the helper wrote to path.
func readRun(t testing.TB, path string) helperRun {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r helperRun
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// sampleAlert is a level 4 alert from src with a SYN scan and a signature.
func sampleAlert(src string) alerts.Alert {
	dst := netip.MustParseAddr("203.0.113.5")
	return alerts.Alert{
		ID: 17, Time: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC), Host: "gw", Src: netip.MustParseAddr(src),
		Level: 4, Destinations: []netip.Addr{dst}, DestinationCount: 1,
		Scans: []signatures.Scan{
			{Type: "syn", Proto: "tcp", Dst: dst, MinPort: 1, MaxPort: 1024, DistinctPorts: 1024, Packets: 1024},
			{Type: "udp", Proto: "udp", Dst: dst, MinPort: 53, MaxPort: 53, DistinctPorts: 1, Packets: 3},
		},
		Signatures: []signatures.SigHit{{ID: 100, Name: "SCAN FIN", Level: 2, Packets: 1}},
		OS:         "Linux", Tool: "nmap",
	}
}
