package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/termsafe"
)

// newAlertsCmd is `ifw alerts`: the stored alert history, newest first,
// with what each action did (like cscli alerts list).
func newAlertsCmd(e env) *cobra.Command {
	cmd := &cobra.Command{Use: "alerts", Short: "list the stored alerts, newest first, with what each action did",
		Long: `List the alerts the daemon stored, newest first, each with the outcome of
every action that ran for it: the auto-block (until when, or lifted when and
why), scripts, mail, syslog and desktop bubbles (ok, the error, "not
delivered" for a bubble no applet or session took, "dropped" for an alert
the action's queue had no room for). Alerts an action skipped on purpose or
throttled have no outcome for it; ifw status and the metrics count those.`,
		Args: cobra.NoArgs, ValidArgsFunction: cobra.NoFileCompletions}
	socket := socketFlag(cmd)
	since := cmd.Flags().Duration("since", 0, "only alerts of the last D (e.g. 24h, 30m)")
	minLevel := cmd.Flags().Int("min-level", 0, "only alerts of this danger level or more (1-5)")
	src := cmd.Flags().String("src", "", "only alerts about this address")
	host := cmd.Flags().String("host", "", "only alerts of this host (on a log server: the sensor, the syslog host that logged them)")
	limit := cmd.Flags().Int("limit", control.DefaultAlertLimit, fmt.Sprintf("at most N alerts, the newest (1-%d)", control.MaxAlertLimit))
	asJSON := jsonFlag(cmd, "print the alerts as JSON")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *since < 0 {
			return failed(e, cmd, fmt.Errorf("--since %s: want a positive duration", *since))
		}
		if *limit < 1 || *limit > control.MaxAlertLimit {
			return failed(e, cmd, fmt.Errorf("--limit %d: want 1-%d", *limit, control.MaxAlertLimit))
		}
		q := control.AlertQuery{MinLevel: *minLevel, Src: *src, Host: *host, Limit: *limit}
		now := time.Now()
		if *since > 0 {
			q.Since = now.Add(-*since)
		}
		list, err := control.NewClient(*socket).Alerts(cmd.Context(), q)
		return printOr(e, cmd, *asJSON, list, err, func(l []control.AlertRecord) { writeAlerts(e.stdout, l, now) })
	}
	return cmd
}

// writeAlerts writes one line per alert and one per outcome under it.
func writeAlerts(w io.Writer, list []control.AlertRecord, now time.Time) {
	if len(list) == 0 {
		fmt.Fprintln(w, "no alerts")
		return
	}
	for i := range list {
		writeAlert(w, &list[i], now)
	}
}

func writeAlert(w io.Writer, a *control.AlertRecord, now time.Time) {
	trust := ""
	if !a.Trusted {
		trust = "  UNTRUSTED"
	}
	fmt.Fprintf(w, "%s  #%d  %-15s  DL %d (was %d)  %s  %d packets  %s  via %s%s\n",
		a.Time.Format(time.DateTime), a.ID, a.Src, a.Level, a.PrevLevel, termsafe.Field(orDash(a.Reasons)), a.Packets,
		termsafe.Field(a.Host), termsafe.Field(a.Collector), trust)
	if len(a.Outcomes) == 0 {
		fmt.Fprintln(w, "    no action ran")
	}
	for _, o := range a.Outcomes {
		fmt.Fprintf(w, "    %-10s %s  %s\n", termsafe.Field(o.Action), o.Time.Format(time.TimeOnly), outcomeText(o, a, now))
	}
}

// outcomeText says what an action did: the auto-block with its block as
// it stands now, any other action ok or its error.
func outcomeText(o alerts.Outcome, a *control.AlertRecord, now time.Time) string {
	switch {
	case !o.OK && (strings.HasPrefix(o.Error, "not delivered: ") || strings.HasPrefix(o.Error, "dropped: ")):
		return termsafe.Field(o.Error)
	case !o.OK:
		return "FAILED: " + termsafe.Field(o.Error)
	case o.Action == "block" && a.Block != nil:
		return blockText(a.Block, now)
	}
	return "ok"
}

// blockText is a block as it stands: in place until when, or ended.
func blockText(b *alerts.Block, now time.Time) string {
	switch {
	case !b.Active():
		return fmt.Sprintf("blocked %s; ended %s (%s)", b.Prefix, b.Removed.Format(time.DateTime), b.RemovedWhy)
	case b.Permanent():
		return fmt.Sprintf("blocked %s permanently", b.Prefix)
	case b.Due(now):
		return fmt.Sprintf("blocked %s until %s (ended)", b.Prefix, b.Expires.Format(time.DateTime))
	}
	return fmt.Sprintf("blocked %s until %s (%s left)", b.Prefix, b.Expires.Format(time.DateTime), fmtDuration(b.Expires.Sub(now)))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
