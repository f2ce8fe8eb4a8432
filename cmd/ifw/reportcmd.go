package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/report"
	"github.com/ifw/ifw/cmd/ifw/analyze"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/etc/config"
)

// reportFlags are `ifw report`'s command line.
type reportFlags struct {
	since, from, to string
	format, out     string
	config, db      string
	host            string
	socket          string
	top             int
	fromLogs        bool
}

// newReportCmd is `ifw report [--log FILE...]`.
func newReportCmd(e env) *cobra.Command {
	f := &reportFlags{}
	cmd := &cobra.Command{Use: "report [--log FILE...]", Short: "a report of a period: top attackers, ports, signatures, blocks, charts",
		Long: "A report of a period, from the daemon's store (what it saw) or with --log from firewall log files,\n" +
			"in text, markdown, JSON or self-contained HTML.",
		RunE: func(_ *cobra.Command, files []string) error { return exitWith(runReport(e, f, files)) }}
	fs := cmd.Flags()
	fs.StringVar(&f.since, "since", "24h", "the period: this long back from now (or use --from/--to)")
	fs.StringVar(&f.from, "from", "", "start of the period (RFC 3339, 2006-01-02[ 15:04:05])")
	fs.StringVar(&f.to, "to", "", "end of the period (default now)")
	fs.StringVar(&f.format, "format", "text", "text, markdown, json or html")
	fs.StringVar(&f.out, "out", "", "write to this file instead of standard output")
	fs.StringVar(&f.config, "config", config.DefaultPath, "configuration file (the database path)")
	fs.StringVar(&f.db, "db", "", "alert database file (default: [store] url, else [daemon] database)")
	fs.StringVar(&f.host, "host", "", "only what this host saw and did (default: every host in the database)")
	fs.StringVar(&f.socket, "socket", control.DefaultSocket, "the daemon's control socket, for collector health")
	fs.IntVar(&f.top, "top", 10, "entries in each top list")
	fs.BoolVar(&f.fromLogs, "log", false, "build the report from firewall log FILEs (as ifw analyze), without a daemon")
	return cmd
}

// period turns the flags into [from, to).
func (f *reportFlags) period(now time.Time) (time.Time, time.Time, error) {
	to, err := analyze.ParseWhen(f.to, now)
	if err != nil || to.IsZero() {
		to = now
	}
	if f.from != "" {
		from, err := analyze.ParseWhen(f.from, now)
		return from, to, err
	}
	d, err := time.ParseDuration(f.since)
	if err != nil || d <= 0 {
		return time.Time{}, time.Time{}, fmt.Errorf("--since %q: want a duration such as 24h", f.since)
	}
	return to.Add(-d), to, nil
}

// runReport is `ifw report`: from the store (what the daemon saw), or with
// --log from log files, in text, markdown, JSON or self-contained HTML.
func runReport(e env, f *reportFlags, files []string) int {
	r, err := f.build(e, files, time.Now())
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw report:", err)
		return exitFail
	}
	var buf bytes.Buffer
	err = report.Render(&buf, f.format, r)
	switch {
	case errors.Is(err, report.ErrFormat):
		err = fmt.Errorf("--format: %w", err)
	case err != nil:
	case f.out != "":
		err = report.WriteFile(f.out, buf.Bytes())
	default:
		_, err = e.stdout.Write(buf.Bytes())
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw report:", err)
		return exitFail
	}
	return exitOK
}

func (f *reportFlags) build(e env, files []string, now time.Time) (*report.Report, error) {
	from, to, err := f.period(now)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	if f.host != "" {
		host = f.host
	}
	opts := report.Options{From: from, To: to, Top: f.top, Host: host, OnlyHost: f.host, Compare: true, Now: now}
	if f.fromLogs {
		return analyze.Report(files, e.stdin, opts)
	}
	cfg, err := config.Load(f.config, false)
	if err != nil {
		return nil, err
	}
	opts.Outbound = cfg.Verdict.Enabled
	sc := alerts.Config{Path: cfg.Daemon.Database, URL: cfg.Store.URL, Host: f.host, ReadOnly: true}
	if f.db != "" {
		sc.Path, sc.URL = f.db, ""
	}
	if sc.URL != "" && f.host == "" {
		opts.Host = "every host"
	}
	ctx := context.Background()
	store, err := alerts.Open(ctx, sc, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	defer store.Close()
	if st, err := control.NewClient(f.socket).Status(ctx); err == nil { // collector health, when the daemon answers
		opts.Collectors = control.Health(st.Collectors)
	}
	if rs, err := control.NewClient(f.socket).Rules(ctx); err == nil && opts.Outbound { // their hits
		opts.Rules = control.RuleHits(rs)
	}
	return report.Build(ctx, store, opts)
}
