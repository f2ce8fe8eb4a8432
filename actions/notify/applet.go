package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	fdn "github.com/esiqveland/notify"
	"github.com/godbus/dbus/v5"
)

// clickBuffer bounds the clicks waiting to be posted.
const clickBuffer = 16

// Applet is the user side, `ifw applet`: it shows the daemon's events as
// bubbles on the session bus and posts the clicks back.
type Applet struct {
	cfg    AppletConfig
	log    *slog.Logger
	daemon *daemonClient
	sent   *sentSet
	style  style
}

// NewApplet makes an applet; log may be nil. Nothing is opened until Run.
func NewApplet(cfg AppletConfig, log *slog.Logger) (*Applet, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	client := cfg.Client
	if client == nil {
		client = unixClient(cfg.Socket, cfg.PostTimeout)
	}
	return &Applet{
		cfg: cfg, log: log, daemon: &daemonClient{http: client},
		sent:  newSentSet(cfg.MaxTracked),
		style: style{icon: cfg.Icon, expire: cfg.Expire},
	}, nil
}

// Run shows events until ctx ends (nil) or the session bus goes away
// (ErrBusClosed: the session is over). The daemon may come and go: the
// applet reconnects with backoff.
func (a *Applet) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	conn, err := a.connect(ctx)
	if err != nil {
		return err
	}
	if a.cfg.Bus == nil {
		defer conn.Close()
	}
	clicks := make(chan click, clickBuffer)
	w := &watcher{conn: conn, sent: a.sent, clicks: clicks, log: a.log}
	signals, err := w.start(ctx)
	if err != nil {
		return err
	}
	defer w.stop(signals)
	a.log.Info("applet started", "socket", a.cfg.Socket, "bus", conn.Names()[0])
	return runAll(ctx, cancel,
		func(ctx context.Context) error { return w.run(ctx, signals) },
		func(ctx context.Context) error { return a.postLoop(ctx, conn, clicks) },
		func(ctx context.Context) error { return a.streamLoop(ctx, conn) },
	)
}

// runAll runs each function in its own goroutine; the first error cancels
// the others. It returns when all have returned, with the first error.
func runAll(ctx context.Context, cancel context.CancelFunc, fns ...func(context.Context) error) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(fns))
	for _, fn := range fns {
		wg.Go(func() {
			if err := fn(ctx); err != nil {
				errs <- err
				cancel()
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs // nil when none failed
}

func (a *Applet) connect(ctx context.Context) (*dbus.Conn, error) {
	var conn *dbus.Conn
	var err error
	switch {
	case a.cfg.Bus != nil:
		return a.cfg.Bus, nil
	case a.cfg.BusAddress != "":
		conn, err = dbus.Connect(a.cfg.BusAddress, dbus.WithContext(ctx))
	default:
		conn, err = dbus.ConnectSessionBus(dbus.WithContext(ctx))
	}
	if err != nil {
		return nil, fmt.Errorf("notify: session bus: %w", err)
	}
	return conn, nil
}

// streamLoop reads the daemon's events, reconnecting with backoff, until
// ctx ends.
func (a *Applet) streamLoop(ctx context.Context, conn *dbus.Conn) error {
	wait, down := a.cfg.BackoffMin, false
	for {
		var dropped uint64
		connected, err := a.daemon.events(ctx, func(ev Event) {
			if ev.Dropped > dropped {
				a.log.Warn("the daemon dropped events for this applet", "dropped", ev.Dropped-dropped)
				dropped = ev.Dropped
			}
			a.show(ctx, conn, ev)
		})
		if ctx.Err() != nil {
			return nil
		}
		if connected {
			wait, down = a.cfg.BackoffMin, false
		}
		if !down {
			a.log.Warn("lost the daemon's event stream; reconnecting", "err", err)
		} else {
			a.log.Debug("daemon still unreachable", "err", err, "retry_in", wait)
		}
		down = true
		if !sleep(ctx, jitter(wait)) {
			return nil
		}
		wait = min(wait*2, a.cfg.BackoffMax)
	}
}

// jitter spreads d by ±20% so that applets do not reconnect in step.
func jitter(d time.Duration) time.Duration {
	return d + time.Duration((rand.Float64()-0.5)*0.4*float64(d))
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// show puts ev on the screen, or takes a retracted one off; events of an
// unknown kind are skipped.
func (a *Applet) show(ctx context.Context, conn *dbus.Conn, ev Event) {
	if ev.Kind == KindRetract {
		a.retract(ctx, conn, ev.Ref)
		return
	}
	b, st, ok := a.bubble(ev)
	if !ok {
		a.log.Debug("event of unknown kind skipped", "event_id", ev.ID, "kind", ev.Kind)
		return
	}
	caps, err := capabilities(ctx, conn)
	if err != nil {
		a.log.Debug("no capabilities; plain bubble", "err", err)
	}
	id, err := a.sent.record(ev.ID, func() (uint32, []string, error) {
		n, offered := notification(b, caps, ev.Actions, st)
		id, err := fdn.SendNotification(conn, n)
		return id, offered, err
	})
	if err != nil {
		a.log.Error("bubble not shown", "event_id", ev.ID, "err", err)
		return
	}
	a.log.Info("bubble shown", append([]any{"event_id", ev.ID, "id", id}, about(ev)...)...)
}

// bubble is what ev shows and its style: a question's bubble stays until
// its deadline. ok is false for an event of another kind, or without its
// payload.
func (a *Applet) bubble(ev Event) (b Bubble, st style, ok bool) {
	st = a.style
	switch {
	case ev.Kind == KindAlert:
		return BubbleFor(ev.Alert), st, true
	case ev.Kind == KindQuestion && ev.Question != nil:
		st.expire = untilDeadline(ev.Question.Deadline, st.expire)
		return QuestionBubble(*ev.Question), st, true
	}
	return Bubble{}, st, false
}

// Bounds of a question bubble's expire timeout.
const (
	minQuestionExpire = time.Second
	maxQuestionExpire = 24 * time.Hour
)

// untilDeadline is how long a question bubble stays: until the deadline,
// at least a second; without a deadline, def.
func untilDeadline(deadline time.Time, def time.Duration) time.Duration {
	if deadline.IsZero() {
		return def
	}
	return min(max(time.Until(deadline), minQuestionExpire), maxQuestionExpire)
}

// about is what the log says of ev.
func about(ev Event) []any {
	if q := ev.Question; q != nil {
		return []any{"question", q.ID, "exe", q.Exe, "dst", q.Dst, "port", q.Port}
	}
	return []any{"src", ev.Alert.Src, "level", ev.Alert.Level}
}

// retract closes the bubble that showed event ref (answered elsewhere or
// timed out); a bubble this applet does not know is left alone.
func (a *Applet) retract(ctx context.Context, conn *dbus.Conn, ref uint64) {
	id, ok := a.sent.forEvent(ref)
	if !ok {
		a.log.Debug("retraction of a bubble not shown here ignored", "event_id", ref)
		return
	}
	err := conn.Object(notifyName, notifyPath).CallWithContext(ctx, notifyName+".CloseNotification", 0, id).Err
	if err != nil {
		a.log.Warn("bubble not closed", "event_id", ref, "id", id, "err", err)
		return
	}
	a.log.Info("bubble closed: answered elsewhere or timed out", "event_id", ref, "id", id)
}

// capabilities asks the server what it supports.
func capabilities(ctx context.Context, conn *dbus.Conn) ([]string, error) {
	var caps []string
	err := conn.Object(notifyName, notifyPath).CallWithContext(ctx, notifyName+".GetCapabilities", 0).Store(&caps)
	if err != nil {
		return nil, fmt.Errorf("notify: capabilities: %w", err)
	}
	return caps, nil
}

// postLoop posts each click to the daemon until ctx ends.
func (a *Applet) postLoop(ctx context.Context, conn *dbus.Conn, clicks <-chan click) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case c := <-clicks:
			a.post(ctx, conn, c)
		}
	}
}

// post sends one choice; when the daemon refuses it or is away, a bubble
// tells the user it was not applied.
func (a *Applet) post(ctx context.Context, conn *dbus.Conn, c click) {
	pctx, cancel := context.WithTimeout(ctx, a.cfg.PostTimeout)
	defer cancel()
	err := a.daemon.choose(pctx, ChoiceRequest{EventID: c.eventID, Choice: c.action})
	if err == nil {
		a.log.Info("choice sent", "event_id", c.eventID, "choice", c.action)
		return
	}
	if ctx.Err() != nil {
		return
	}
	a.log.Error("choice not sent", "event_id", c.eventID, "choice", c.action, "err", err)
	var se *StatusError
	reason := "the ifw daemon is not reachable"
	switch {
	case errors.As(err, &se):
		reason = se.Message
	case errors.Is(err, context.DeadlineExceeded):
		reason = fmt.Sprintf("no answer from the ifw daemon within %s (a password dialog left open?)", a.cfg.PostTimeout)
	}
	b := Bubble{Summary: "Firewall: choice not applied", Body: fmt.Sprintf("%s: %s", Label(c.action), reason), Urgency: UrgencyNormal}
	caps, _ := capabilities(ctx, conn)
	n, _ := notification(b, caps, nil, a.style)
	if _, err := fdn.SendNotification(conn, n); err != nil {
		a.log.Error("bubble not shown", "err", err)
	}
}
