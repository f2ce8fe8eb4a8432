package analyze

import (
	"fmt"
	"io"
	"time"

	"github.com/ifw/ifw/etc/config"
	"github.com/ifw/ifw/signatures"
)

// Options are what one analysis reads and how; every field may be left
// zero.
type Options struct {
	// Config is an ifw.conf whose [detect] section sets the thresholds
	// and the lists; "" for the defaults.
	Config string
	// Signatures and AutoDL name files read in place of [detect]'s;
	// with neither, /etc/ifw/signatures or the shipped set.
	Signatures []string
	AutoDL     string
	// MinLevel is the lowest danger level reported (0-5); 0 also keeps
	// the sources whose scan window closed at level 0.
	MinLevel int
	// Since and Until skip packets outside them (ParseWhen's forms:
	// a date, a time, or a duration back from Now).
	Since, Until string
	// Boot turns kernel uptime into wall-clock time: "host" (this host's
	// boot) or a time as Since takes it.
	Boot string
	// Match keeps only packets matching field=value[,field=value…].
	Match string
	// Stdin is what the file "-" reads.
	Stdin io.Reader
	// ProgressTo is where a progress bar is drawn (stderr), nil for none;
	// Progress is "auto" (the default: on a terminal, for an input of 64
	// MiB or more), "always" or "never".
	ProgressTo io.Writer
	Progress   string
	// Now is when the durations of Since and Until count back from; zero
	// is the time New runs.
	Now time.Time
	// Detected, when set, is called with each detection, in log order
	// (`ifw report --log` places alerts at their time); unset, the engine
	// only counts.
	Detected func(signatures.Detection)
	// Jobs is how many cores read the logs: above 1 (and without
	// Detected), the sources are shared among that many engines and the
	// lines parsed on as many goroutines (signatures.Shards), with the
	// same report as one; 0 is 1.
	Jobs int
}

// maxJobs bounds Options.Jobs.
const maxJobs = 256

// New prepares an analysis: the configuration, the lists and the filters
// read. Its errors are the options' (a usage error at a command line),
// placed at the flag or at the file:line they are about.
func New(opts Options) (*Analysis, error) {
	if opts.MinLevel < 0 || opts.MinLevel > signatures.MaxLevel {
		return nil, fmt.Errorf("--min-level %d: want 0-%d", opts.MinLevel, signatures.MaxLevel)
	}
	if opts.Jobs < 0 || opts.Jobs > maxJobs {
		return nil, fmt.Errorf("--jobs %d: want 1-%d", opts.Jobs, maxJobs)
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	a := &Analysis{opts: opts, started: time.Now(), counts: counts{prefixes: map[string]int{}}}
	d := config.Default().Detect
	if opts.Config != "" {
		cfg, err := config.Load(opts.Config, true)
		if err != nil {
			return nil, err
		}
		d = cfg.Detect
	}
	// A log spans many scan windows: report the attackers of all of them,
	// each with its 32 most dangerous destinations and scans.
	d.Engine.Retain, d.Engine.MaxReportItems = Retain, maxItems
	d.Engine.RetainLevelZero = opts.MinLevel == 0
	d.Engine.CompactNoise = true // one-packet sources as small records: the same report, faster
	if err := a.loadLists(&d); err != nil {
		return nil, err
	}
	if err := a.loadFilters(); err != nil {
		return nil, err
	}
	if err := a.newEngines(d.Engine); err != nil {
		return nil, err
	}
	a.progress = newProgress(opts.ProgressTo, opts.Progress)
	return a, nil
}

// newEngines makes the engine, or with several jobs the shards.
func (a *Analysis) newEngines(cfg signatures.Config) error {
	var err error
	a.chunkSize = chunkSize
	if a.opts.Jobs > 1 && a.opts.Detected == nil {
		a.shards, err = signatures.NewShards(cfg, a.rules, a.opts.Jobs)
		return err
	}
	a.engine, err = signatures.New(cfg, a.rules)
	return err
}

// loadLists reads the auto_dl file and the signature sets, options first.
func (a *Analysis) loadLists(d *config.Detect) error {
	if a.opts.AutoDL != "" {
		d.AutoDL = a.opts.AutoDL
	}
	if len(a.opts.Signatures) > 0 {
		d.Signatures = a.opts.Signatures
	}
	set, err := d.LoadLists()
	a.rules = set
	return err
}

func (a *Analysis) loadFilters() error {
	var err error
	o := &a.opts
	if o.Match != "" {
		if a.filter, err = parseMatch(o.Match); err != nil {
			return err
		}
	}
	if a.since, err = ParseWhen(o.Since, o.Now); err != nil {
		return fmt.Errorf("--since: %w", err)
	}
	if a.until, err = ParseWhen(o.Until, o.Now); err != nil {
		return fmt.Errorf("--until: %w", err)
	}
	if a.boot, err = parseBoot(o.Boot, o.Now); err != nil {
		return fmt.Errorf("--boot: %w", err)
	}
	return nil
}
