package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/test/pgtest"
)

// TestReportFromPostgres: with [store] url, ifw report reads the shared
// database: every host's alerts and blocks by default, one host's with
// --host.
func TestReportFromPostgres(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	ctx := context.Background()
	now := time.Now()
	for i, host := range []string{"alpha", "beta", "beta"} {
		s, err := alerts.Open(ctx, alerts.Config{URL: url, Host: host}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		a := alerts.Alert{Time: now.Add(-time.Hour), Host: host, Src: netip.AddrFrom4([4]byte{203, 0, 113, byte(60 + i)}),
			Level: 3, Packets: 10, FirstSeen: now.Add(-2 * time.Hour), LastSeen: now.Add(-time.Hour)}
		if _, err := s.AddAlert(ctx, &a); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddBlock(ctx, alerts.Block{Prefix: netip.PrefixFrom(a.Src, 32), Reason: "scan", Level: 3,
			Source: alerts.BlockAuto, Created: now.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
	conf := filepath.Join(t.TempDir(), "ifw.conf")
	if err := os.WriteFile(conf, []byte("[store]\nurl = "+url+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args           []string
		alerts, blocks int
		host           string
	}{
		{nil, 3, 3, "every host"},
		{[]string{"--host", "beta"}, 2, 2, "beta"},
		{[]string{"--host", "gamma"}, 0, 0, "gamma"},
	} {
		args := append([]string{"report", "--config", conf, "--since", "24h", "--format", "json", "--socket", "/nonexistent.sock"}, tt.args...)
		code, out, errs := runCmd(t, "", args...)
		var r struct {
			Host   string `json:"host"`
			Totals struct {
				Alerts int `json:"alerts"`
				Blocks int `json:"blocks"`
			} `json:"totals"`
		}
		if code != exitOK || json.Unmarshal([]byte(out), &r) != nil {
			t.Fatalf("ifw report %v: exit %d %s\n%s", tt.args, code, errs, out)
		}
		if r.Host != tt.host || r.Totals.Alerts != tt.alerts || r.Totals.Blocks != tt.blocks {
			t.Errorf("ifw report %v: host %q, %d alerts, %d blocks; want %q, %d, %d", tt.args, r.Host, r.Totals.Alerts, r.Totals.Blocks,
				tt.host, tt.alerts, tt.blocks)
		}
	}
}
