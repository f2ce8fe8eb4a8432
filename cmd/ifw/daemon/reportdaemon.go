package daemon

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/ifw/ifw/actions/mail"
	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/script"
	"github.com/ifw/ifw/alerts/report"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// reportEvery makes and delivers the periodic report ([report] every) until
// ctx ends; a failed delivery is logged and the next one tried on time.
func (d *Daemon) reportEvery(ctx context.Context) error {
	t := time.NewTicker(d.cfg.Report.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			if err := d.deliverReport(ctx, now); err != nil {
				d.log.Error("report not delivered", "deliver", d.cfg.Report.Deliver, "err", err)
			}
		}
	}
}

// makeReport builds the report of the period ending at now.
func (d *Daemon) makeReport(ctx context.Context, now time.Time) (*report.Report, error) {
	s := d.cfg.Report
	var cs []control.CollectorStatus
	for _, c := range d.collectors {
		cs = append(cs, control.CollectorStatus{Name: c.src.Name(), Type: c.kind, Stats: c.src.Stats().Snapshot()})
	}
	return report.Build(ctx, d.store, report.Options{From: now.Add(-s.Every), To: now, Top: s.Top,
		Host: d.cfg.Daemon.Host, Collectors: control.Health(cs), Compare: true, Now: now,
		Outbound: d.cfg.Verdict.Enabled, Rules: d.ruleHits()})
}

// deliverReport makes the report and hands it over as [report] deliver says.
func (d *Daemon) deliverReport(ctx context.Context, now time.Time) error {
	r, err := d.makeReport(ctx, now)
	if err != nil {
		return err
	}
	s := d.cfg.Report
	subject := fmt.Sprintf("[ifw] report for %s: %d alerts from %d attackers", d.cfg.Daemon.Host, r.Totals.Alerts, r.Totals.Attackers)
	switch s.Deliver {
	case "mail":
		return d.mailReport(ctx, subject, r)
	case "notify":
		return d.notifyReport(ctx, subject, r)
	}
	path, err := writeReportFile(s.Dir, s.Format, r, now)
	if err != nil || s.Deliver == "file" {
		d.log.Info("report written", "file", path)
		return err
	}
	return d.scriptReport(ctx, path)
}

// writeReportFile writes the report to DIR/ifw-report-STAMP.EXT, whole or
// not at all.
func writeReportFile(dir, format string, r *report.Report, now time.Time) (string, error) {
	var buf bytes.Buffer
	if err := report.Render(&buf, format, r); err != nil {
		return "", err
	}
	ext := map[string]string{"text": "txt", "markdown": "md", "json": "json", "html": "html"}[format]
	path := filepath.Join(dir, fmt.Sprintf("ifw-report-%s.%s", now.UTC().Format("20060102-150405"), ext))
	return path, report.WriteFile(path, buf.Bytes())
}

func (d *Daemon) mailReport(ctx context.Context, subject string, r *report.Report) error {
	s := d.cfg.Report
	m, err := mail.New(s.MailConfig(), d.log)
	if err != nil {
		return err
	}
	var body bytes.Buffer
	if err := report.Text(&body, r); err != nil {
		return err
	}
	return m.Send(ctx, subject, body.String())
}

// scriptReport runs the configured command with REPORT standing for the
// report file, without a shell.
func (d *Daemon) scriptReport(ctx context.Context, path string) error {
	words, err := script.Split(d.cfg.Report.Command)
	if err != nil {
		return err
	}
	for i, w := range words {
		words[i] = strings.ReplaceAll(w, "REPORT", path)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return script.Command{Path: words[0], Args: words, Env: []string{"PATH=" + script.DefaultPath, "IFW_REPORT=" + path}}.Run(ctx)
}

// notifyReport shows the report's totals as a bubble on the desktops.
func (d *Daemon) notifyReport(ctx context.Context, subject string, r *report.Report) error {
	fb, err := notify.NewSessionFallback(notify.FallbackConfig{}, d.log)
	if err != nil {
		return err
	}
	body := fmt.Sprintf("%d alerts, %d attackers, %d blocks", r.Totals.Alerts, r.Totals.Attackers, r.Totals.Blocks)
	return fb.Notify(ctx, notify.Bubble{Summary: subject, Body: body, Urgency: notify.UrgencyLow})
}
