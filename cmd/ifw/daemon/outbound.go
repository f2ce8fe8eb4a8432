package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ifw/ifw/actions/firewall"
	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/procs"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/actions/verdictlog"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/etc/config"
)

// Outbound module upkeep.
const (
	resolveEvery     = 5 * time.Minute // host names of rules
	queueRetryFirst  = time.Second     // backoff after the queue failed
	queueRetryLatest = 30 * time.Second
)

// outbound is the daemon's outbound module: the queue, the rules, the
// process finder.
type outbound struct {
	cfg    config.Verdict
	mod    *verdict.Module
	set    *rules.Set
	finder *procs.Finder
	dns    *dnsWatch     // nil without [verdict] dns_group
	store  *alerts.Store // closed questions, for reports
	// questions is where closed questions are written: the store, or the
	// outage spool in front of it.
	questions interface {
		AddQuestion(ctx context.Context, q alerts.Question) (int64, error)
	}
	feed *control.Feed   // told when a question opens or closes
	lat  *latencies      // packet → verdict by a rule
	vlog *verdictlog.Log // nil without [verdict] log
	log  *slog.Logger
	// serveQueue serves the queue (Module.Run, or Options.ServeQueue).
	serveQueue func(context.Context, *verdict.Module) error
	// checkRules looks at the firewall's queue rules once (warnQueueGaps;
	// nil with Options.ServeQueue: no kernel queue, no firewall to read).
	checkRules func(context.Context)
}

// newOutbound loads the rules and prepares the module; hub, when not nil,
// shows questions on the owners' desktops.
func newOutbound(cfg config.Verdict, hub *notify.Hub, store *alerts.Store, feed *control.Feed, log *slog.Logger) (*outbound, error) {
	set := rules.NewSet(rules.Options{DefaultIdle: cfg.SessionIdle})
	if _, err := set.Load(cfg.Module.RulesFile); err != nil {
		return nil, err
	}
	vlog, err := verdictlog.New(cfg.Log, log)
	if err != nil {
		return nil, err
	}
	finder, err := procs.New(procs.Config{Hash: cfg.Hash}, log)
	if err != nil {
		return nil, fmt.Errorf("process finder: %w", err)
	}
	o := &outbound{cfg: cfg, set: set, finder: finder, store: store, questions: store, feed: feed, lat: newLatencies(), log: log, vlog: vlog,
		serveQueue: func(ctx context.Context, m *verdict.Module) error { return m.Run(ctx) }}
	o.checkRules = o.warnQueueGaps
	deps := verdict.Deps{Rules: set, Owners: finder, OnDecision: o.decided, OnClosed: o.closed,
		ReserveIDs: o.reserveQuestionIDs, OnAsked: o.asked}
	if hub != nil {
		deps.Asker = hub
	}
	if o.dns, err = newDNSWatch(cfg.DNS, cfg.DNSResolvers, log); err != nil {
		finder.Close()
		return nil, err
	}
	if o.dns != nil {
		deps.Names = o.dns.learner
	}
	if o.mod, err = verdict.New(cfg.Module, deps, log); err != nil {
		finder.Close()
		return nil, err
	}
	return o, nil
}

// questionIDsKey is where the store keeps the last question id reserved.
const questionIDsKey = "verdict.question_ids"

// reserveQuestionIDs reserves n question ids after the last ones any run
// reserved, so that ids are unique across restarts.
func (o *outbound) reserveQuestionIDs(n uint64) (uint64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var last uint64
	if b, ok, err := o.store.State(ctx, questionIDsKey); err != nil {
		return 0, err
	} else if ok {
		if last, err = strconv.ParseUint(string(b), 10, 64); err != nil {
			return 0, fmt.Errorf("stored %s %q: %w", questionIDsKey, b, err)
		}
	}
	if err := o.store.PutState(ctx, questionIDsKey, []byte(strconv.FormatUint(last+n, 10))); err != nil {
		return 0, err
	}
	return last + 1, nil
}

// decided records how long a verdict by a rule took.
func (o *outbound) decided(d verdict.Decision) {
	if d.By == verdict.CauseRule {
		o.lat.add("rule", d.Took)
	}
	o.logDecision(d)
}

// asked tells the feed that q's owner has a new question.
func (o *outbound) asked(q verdict.Question) { o.feed.ChangedFor(control.StreamQueue, q.UID) }

// closed stores a closed question for the reports.
func (o *outbound) closed(c verdict.Closed) {
	o.feed.ChangedFor(control.StreamQueue, c.UID)
	q := alerts.Question{Asked: c.Asked, Closed: c.At, UID: c.UID, User: c.User, Exe: c.Exe, Dst: c.Dst,
		Port: c.Port, Proto: c.Proto, Connections: c.Connections, Verdict: c.Verdict.String(),
		By: string(c.By), Lifetime: c.Lifetime}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := o.questions.AddQuestion(ctx, q); err != nil {
		o.log.Warn("closed question not stored", "question", c.ID, "err", err)
	}
}

// run serves the queue until ctx ends, binding it again with backoff when
// it fails; the finder and host names are kept current beside it.
func (o *outbound) run(ctx context.Context) error {
	defer o.finder.Close()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return o.finder.Run(gctx) })
	g.Go(func() error { return o.resolveEvery(gctx) })
	if o.dns != nil {
		g.Go(func() error { return o.dns.run(gctx) })
	}
	g.Go(func() error { return o.serve(gctx) })
	g.Go(func() error { return o.runLog(gctx) })
	if o.checkRules != nil {
		g.Go(func() error { o.checkRules(gctx); return nil })
	}
	return g.Wait()
}

// warnQueueGaps warns of each queue rule missing from a firewall that has
// ifw's rule for new connections on the configured queue: `ifw setup` was
// run by an earlier version, and the rule for TCP SYNs conntrack does not
// call NEW is not there (a program could connect past the queue by
// reusing the ports of a connection the server reset). Running
// `ifw setup` again adds it.
func (o *outbound) warnQueueGaps(ctx context.Context) {
	m := o.cfg.Module
	cfg := firewall.Config{Log: firewall.LogConfig{Target: firewall.LogNone},
		Queue: &firewall.QueueConfig{Num: m.Queue, Bypass: m.FailOpen, RejectMark: m.RejectMark}}
	gaps, err := firewall.QueueGaps(ctx, cfg, firewall.Exec)
	if err != nil {
		o.log.Debug("outbound queue: firewall rules not checked", "err", err)
		return
	}
	for _, r := range gaps {
		o.log.Warn("outbound queue: a firewall rule of this version is missing (ifw setup of an earlier one): run ifw setup again",
			"rule", r.Shell(), "for", r.Why)
	}
}

func (o *outbound) serve(ctx context.Context) error {
	wait := queueRetryFirst
	for {
		started := time.Now()
		err := o.serveQueue(ctx, o.mod)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(started) > queueRetryLatest {
			wait = queueRetryFirst
		}
		o.log.Error("outbound queue stopped; binding it again", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, queueRetryLatest)
	}
}

func (o *outbound) resolveEvery(ctx context.Context) error {
	for {
		if err := o.set.Resolve(ctx); err != nil && ctx.Err() == nil {
			o.log.Warn("rule host names not all resolved", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(resolveEvery):
		}
	}
}

// reload reads the rules file again (SIGHUP); a broken file changes
// nothing. Host names that do not resolve keep their last addresses and
// are only warned about: the file itself was taken.
func (o *outbound) reload(ctx context.Context) error {
	n, err := o.set.Load(o.cfg.Module.RulesFile)
	if err != nil {
		return err
	}
	o.log.Info("outbound rules reloaded", "file", o.cfg.Module.RulesFile, "rules", n)
	if err := o.set.Resolve(ctx); err != nil {
		o.log.Warn("rule host names not all resolved", "err", err)
	}
	return nil
}

// startOutbound sets the outbound module up when [verdict] enables it; a
// failure is logged and the rest of the daemon runs without it. Questions
// need the desktop hub, made here when no notify action made one.
func (d *Daemon) startOutbound() {
	if !d.cfg.Verdict.Enabled {
		return
	}
	if d.actions.hub == nil {
		hub, err := notify.NewHub(notify.Config{}, d.log)
		if err != nil {
			d.log.Error("outbound module disabled", "err", err)
			return
		}
		d.actions.hub = hub
	}
	o, err := newOutbound(d.cfg.Verdict, d.actions.hub, d.store, d.feed, d.log)
	if err != nil {
		d.log.Error("outbound module disabled", "err", err)
		return
	}
	if d.opts.ServeQueue != nil {
		o.serveQueue, o.checkRules = d.opts.ServeQueue, nil
	}
	o.questions = d.writes()
	d.outbound = o
}
