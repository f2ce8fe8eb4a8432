package applet

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/godbus/dbus/v5"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// clickBuffer bounds the clicks waiting to be posted.
const clickBuffer = 16

// Applet shows the daemon's events as bubbles on the session bus and
// posts the clicks back.
type Applet struct {
	cfg    Config
	log    *slog.Logger
	daemon *control.Client
	sent   *sentSet
	style  notify.Style
	tray   *tray // set by Run, before the stream starts
}

// New makes an applet; log may be nil. Nothing is opened until Run.
func New(cfg Config, log *slog.Logger) (*Applet, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	return &Applet{
		cfg: cfg, log: log, daemon: control.NewClient(cfg.Socket),
		sent:  newSentSet(cfg.MaxTracked),
		style: notify.Style{Icon: cfg.Icon, Expire: cfg.Expire},
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
	a.log.Info("applet started", "socket", a.daemon.Socket(), "bus", conn.Names()[0])
	a.tray = a.newTray(conn, cancel)
	return runAll(ctx, cancel,
		a.tray.run,
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
		return nil, fmt.Errorf("applet: session bus: %w", err)
	}
	return conn, nil
}
