package daemon

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
	"golang.org/x/sync/errgroup"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/fleet"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/polkit"
	"github.com/ifw/ifw/etc/config"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// Daemon is the running daemon: the store, the pipeline, the collectors
// and the control socket, wired from one configuration.
type Daemon struct {
	cfg        *config.Config
	log        *slog.Logger
	store      *alerts.Store
	fleet      *fleet.Fleet        // nil: no shared database ([store] url)
	health     func() fleet.Health // what the heartbeat says (the outage spool); nil: healthy
	spool      *spooler            // nil: the store is local (SQLite)
	pipe       *pipeline
	writer     *alertWriter
	collectors []*collector
	block      *blocking // nil: blocking disabled, or its setup failed
	outbound   *outbound // nil: the outbound module is disabled, or its setup failed
	actions    *builtActions
	dispatcher *alerts.Dispatcher
	control    *control.Server
	feed       *control.Feed     // what changed, for GET /v1/stream
	polkit     *polkit.Authority // asked for what non-root peers of the control socket do
	started    time.Time
	lock       *stateLock // the state directory's lock, held until the daemon ends
	recovered  *recovered // attackers the saved state lacked (kill -9)
	alerted    chan struct{}
	opts       Options
}

// Options are what a caller may put in place of what the configuration
// builds: tests run the whole daemon in-process with a fake collector,
// and without root.
type Options struct {
	// Sources replaces the configured collectors (nil: build them from
	// the configuration).
	Sources []sources.Source
	// Authority answers the control API's polkit checks (nil: polkit on
	// the system bus).
	Authority control.Authority
	// OpenSets opens the kernel's block sets (nil: the real ipsets).
	OpenSets SetsOpener
	// ServeQueue serves the outbound module's queue until ctx ends (nil:
	// the module's own NFQUEUE, Module.Run).
	ServeQueue func(ctx context.Context, m *verdict.Module) error
}

// New builds the daemon from cfg (config.Load's value, checked); on
// error, everything it took is given back. Nothing runs until Run.
func New(ctx context.Context, cfg *config.Config, opts Options, log *slog.Logger) (_ *Daemon, err error) {
	set, err := cfg.Detect.LoadLists()
	if err != nil {
		return nil, err
	}
	config.LogSkipped(log, set)
	engine, err := signatures.New(cfg.Detect.Engine, set)
	if err != nil {
		return nil, err
	}
	lock, err := lockStateDir(filepath.Dir(cfg.Daemon.Database))
	if err != nil {
		return nil, err
	}
	d := &Daemon{cfg: cfg, log: log, started: time.Now(), lock: lock, alerted: make(chan struct{}, 1),
		feed: control.NewFeed(), pipe: newPipeline(engine, cfg.Daemon.Host, log), opts: opts}
	if b := cfg.Block; b.Enabled && b.AutoRegex != nil { // also with auto off: `ifw block auto on` may turn it on
		d.pipe.prefixes = newPrefixMatches(b.AutoRegex)
	}
	defer func() {
		if err != nil {
			d.release()
		}
	}()
	if d.store, err = alerts.Open(ctx, alerts.Config{Path: cfg.Daemon.Database, URL: cfg.Store.URL, Host: cfg.Daemon.Host, Recover: true}, log); err != nil {
		return nil, err
	}
	if err := d.openFleet(); err != nil {
		return nil, err
	}
	if err := d.openSpool(); err != nil {
		return nil, err
	}
	d.startFleetScan()
	d.writer = &alertWriter{store: d.writes(), log: log, latency: newLatencies()}
	restored := d.restoreEngine(ctx, engine)
	if cfg.Daemon.LogServer {
		d.pipe.sensors = newSensors(cfg.Daemon.Host, cfg.Daemon.Sensors, cfg.Detect.Engine, set, log)
		d.restoreSensors(ctx)
	}
	d.recovered = d.recoverAttackers(ctx, restored)
	if err := d.startBlocking(ctx); err != nil {
		return nil, err
	}
	if err := d.buildActions(); err != nil {
		return nil, err
	}
	d.startOutbound()
	if err := d.buildCollectors(ctx); err != nil {
		return nil, err
	}
	auth := opts.Authority
	if auth == nil {
		if d.polkit, err = polkit.New(polkit.Config{}, log); err != nil {
			return nil, err
		}
		auth = d.polkit
	}
	ccfg := control.Config{Path: cfg.Daemon.Socket, Group: cfg.Daemon.SocketGroup, Authority: auth, Feed: d.feed}
	if d.control, err = control.New(ccfg, d, log); err != nil {
		return nil, err
	}
	return d, nil
}

// buildActions makes the configured actions and the dispatcher that feeds
// them every stored alert.
func (d *Daemon) buildActions() error {
	acts, err := buildActions(d.cfg.Actions, d.blockedLookup(), d.log)
	if err != nil {
		return err
	}
	if d.dispatcher, err = alerts.NewDispatcher(acts.routes, d.writes(), d.log); err != nil {
		acts.closeAll()
		return err
	}
	d.actions = acts
	d.writer.after = d.afterStored
	return nil
}

// afterStored is what sees an alert once it is stored: the auto-blocker
// (told whether a log prefix of the source matched auto_regex), then the
// actions (without waiting for them).
func (d *Daemon) afterStored(a alerts.Alert, prefixMatched bool) {
	select {
	case d.alerted <- struct{}{}: // save the state soon
	default:
	}
	rec := control.AlertRecord{Alert: a}
	if d.block != nil {
		if o, blk, ok := d.block.auto(a, prefixMatched); ok {
			rec.Outcomes = append(rec.Outcomes, o)
			rec.Block = blk
		}
	}
	d.feed.Alert(rec)
	d.dispatcher.Dispatch(a)
}

// Run starts every part and waits for ctx; then it stops the collectors,
// observes what they handed on, saves the state and gives back what New
// took. A Daemon runs once.
func (d *Daemon) Run(ctx context.Context) error {
	defer d.lock.release()
	defer d.store.Close()
	defer d.closeSpool()
	if d.polkit != nil {
		defer d.polkit.Close()
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return d.pipe.run(gctx) })
	g.Go(func() error { return d.dispatcher.Run(gctx) })
	g.Go(func() error { <-gctx.Done(); d.feed.Close(); return nil })
	defer d.actions.closeAll()
	if hub := d.actions.hub; hub != nil {
		g.Go(func() error { <-gctx.Done(); hub.Close(); return nil })
	}
	g.Go(func() error { return d.writer.run(d.pipe.pending) })
	for _, c := range d.collectors {
		g.Go(func() error { return sources.Supervise(gctx, c.src, d.pipe.in, d.log) })
	}
	g.Go(func() error { return d.control.Run(gctx) })
	g.Go(func() error { return d.saveEvery(gctx) })
	g.Go(func() error { return d.reloadOnHUP(gctx) })
	if d.fleet != nil {
		defer d.fleet.Close()
		g.Go(func() error { return d.beat(gctx) })
		g.Go(func() error { return d.pipe.scan.run(gctx) })
	}
	if d.spool != nil {
		g.Go(func() error { return d.spool.run(gctx) })
	}
	if d.block != nil {
		defer d.block.close()
		g.Go(func() error { return d.block.run(gctx) })
	}
	if d.outbound != nil {
		g.Go(func() error { return d.outbound.run(gctx) })
	}
	if d.cfg.Report.Every > 0 {
		g.Go(func() error { return d.reportEvery(gctx) })
	}
	if d.cfg.Metrics.Listen != "" {
		g.Go(func() error { return d.serveMetrics(gctx) })
	}
	_, _ = daemon.SdNotify(false, daemon.SdNotifyReady)
	d.log.Info("ifw daemon started", "config", d.cfg.Describe())
	err := g.Wait()
	_, _ = daemon.SdNotify(false, daemon.SdNotifyStopping)
	d.finish()
	return err
}

// finish observes packets still queued after everything stopped, writes
// their alerts, and saves the state for the next start.
func (d *Daemon) finish() {
	for {
		select {
		case pkt := <-d.pipe.in:
			d.pipe.observeSync(pkt, d.writer)
			continue
		default:
		}
		break
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	positions := d.positions()
	lastID := d.writer.lastID.Load()
	own, sensors, windows := snapshot(d.pipe.engines(), d.windowsOf)
	d.saveState(ctx, own.blob, own.err, positions, lastID)
	d.saveSensors(ctx, sensors)
	d.saveWindows(ctx, windows)
	d.log.Info("ifw daemon stopped; state saved")
}

// release gives back what a half-built daemon holds.
func (d *Daemon) release() {
	if d.actions != nil {
		d.actions.closeAll()
	}
	if d.block != nil {
		d.block.close()
	}
	if d.store != nil {
		d.store.Close()
	}
	if d.fleet != nil {
		d.fleet.Close()
	}
	d.closeSpool()
	d.lock.release()
}

// startBlocking sets the blocking module up when [block] enables it; a
// failure (a bad whitelist, no ipset support, a set of the wrong type) is
// logged and detection runs on without it. Sets another daemon uses are
// an error: the daemon does not start.
func (d *Daemon) startBlocking(ctx context.Context) error {
	if !d.cfg.Block.Enabled {
		return nil
	}
	m, err := newBlocking(ctx, d.cfg, d.store, d.spool, d.feed, d.opts.OpenSets, d.log)
	if errors.Is(err, block.ErrInUse) {
		return err
	}
	if err != nil {
		d.log.Error("blocking disabled", "err", err)
		return nil
	}
	m.shareWith(d.fleet)
	d.block = m
	return nil
}
