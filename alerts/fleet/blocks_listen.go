package fleet

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// BlockNews is what a block listener is told.
type BlockNews struct {
	// Connected: the listener (re)connected and listens; whatever was
	// notified while it was away is lost, so the receiver reconciles from
	// the tables.
	Connected bool
	// Payload of one notification ("add|del PREFIX HOST"), when not
	// Connected.
	Payload string
}

// ListenBlocks listens on BlocksChannel on a connection of its own and
// calls news for every notification, and with Connected after every
// (re)connection, until ctx ends. A connection that fails is made again
// every retry (0: one second). news runs on the listener's goroutine: it
// should hand the work on, not do it.
func (f *Fleet) ListenBlocks(ctx context.Context, retry time.Duration, news func(BlockNews)) error {
	if retry <= 0 {
		retry = time.Second
	}
	for {
		err := f.listenOnce(ctx, news)
		if ctx.Err() != nil {
			return nil
		}
		f.log.Debug("fleet block listener disconnected", "err", wrap("listen", err))
		t := time.NewTimer(retry)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

func (f *Fleet) listenOnce(ctx context.Context, news func(BlockNews)) error {
	if err := f.ready(ctx); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, f.cfg.URL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{BlocksChannel}.Sanitize()); err != nil {
		return err
	}
	news(BlockNews{Connected: true})
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		news(BlockNews{Payload: n.Payload})
	}
}
