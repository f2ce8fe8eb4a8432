package main

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/cmd/ifw/analyze"
	"github.com/ifw/ifw/cmd/ifw/profile"
	"github.com/ifw/ifw/etc/config"
)

// analyzeFlags are ifw analyze's command line.
type analyzeFlags struct {
	json       bool
	config     string
	signatures []string
	autoDL     string
	minLevel   int
	since      string
	until      string
	boot       string
	match      string
	top        int
	progress   string
	cpuprofile string
	memprofile string
	jobs       int
}

// newAnalyzeCmd is `ifw analyze FILE...`.
func newAnalyzeCmd(e env) *cobra.Command {
	f := &analyzeFlags{}
	cmd := &cobra.Command{Use: "analyze FILE...", Short: "analyze firewall log files offline (like psad -A)",
		Long: "Analyze firewall log files offline (like psad -A): who scanned you, how, how dangerously.\n" +
			"FILE '-' is standard input; .gz files are read transparently.",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return errors.New("no input: give FILE... or -")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, files []string) error { return exitWith(runAnalyze(e, f, files)) }}
	fs := cmd.Flags()
	fs.BoolVar(&f.json, "json", false, "one JSON object per source and line, highest danger level first")
	fs.StringVar(&f.config, "config", "", "ifw.conf whose [detect] section sets thresholds and lists")
	fs.StringArrayVar(&f.signatures, "signatures", nil, "signature `FILE`, ifw or psad format (repeatable; default: the shipped set)")
	fs.StringVar(&f.autoDL, "auto-dl", "", "auto_dl file: ADDR|CIDR LEVEL [PROTO] [PORT] per line")
	fs.IntVar(&f.minLevel, "min-level", 1, "report sources at or above this danger level (0: every source)")
	fs.StringVar(&f.since, "since", "", "skip packets before this time (RFC 3339, 2006-01-02[ 15:04:05], or a duration back from now)")
	fs.StringVar(&f.until, "until", "", "skip packets after this time (same forms as --since)")
	fs.StringVar(&f.boot, "boot", "", "turn kernel uptime (dmesg, /dev/kmsg lines) into wall-clock time: 'host' (this host's boot, for its own ring buffer) or the boot time (same forms as --since)")
	fs.StringVar(&f.match, "match", "", "only packets matching field=value[,field=value…] (src, dst, port, sport, proto, prefix, in)")
	fs.IntVar(&f.top, "top", 10, "rows in each top list of the text report")
	fs.StringVar(&f.progress, "progress", "auto", "progress bar on stderr: auto (a terminal and a large input), always, never")
	fs.IntVar(&f.jobs, "jobs", runtime.GOMAXPROCS(0), "cores to read with: the sources are shared among as many engines, with the same report")
	fs.StringVar(&f.cpuprofile, "cpuprofile", "", "write a CPU profile (go tool pprof) to this file")
	fs.StringVar(&f.memprofile, "memprofile", "", "write a heap profile, taken before the report, to this file")
	return cmd
}

// runAnalyze is `ifw analyze`: a mistake in the options is a usage
// error; the report goes to stdout, the summary to stderr.
func runAnalyze(e env, f *analyzeFlags, files []string) int {
	a, err := analyze.New(analyze.Options{Config: f.config, Signatures: f.signatures, AutoDL: f.autoDL,
		MinLevel: f.minLevel, Since: f.since, Until: f.until, Boot: f.boot, Match: f.match,
		Stdin: e.stdin, ProgressTo: e.stderr, Progress: f.progress, Jobs: f.jobs})
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw analyze:", err)
		return exitUsage
	}
	config.WarnSkipped(e.stderr, a.Rules())
	if f.cpuprofile != "" {
		stop, err := profile.StartCPU(f.cpuprofile)
		if err != nil {
			fmt.Fprintln(e.stderr, "ifw analyze:", err)
			return exitFail
		}
		defer stop()
	}
	err = a.Read(files...)
	if err == nil && f.memprofile != "" {
		err = profile.WriteHeap(f.memprofile)
	}
	switch {
	case err != nil:
	case f.json:
		err = a.WriteJSON(e.stdout)
	default:
		err = a.WriteText(e.stdout, f.top)
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw analyze:", err)
		return exitFail
	}
	fmt.Fprintln(e.stderr, a.Summary())
	return exitOK
}
