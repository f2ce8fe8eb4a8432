package daemon

import (
	"context"
	"errors"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/fleet"
)

// How often the daemon tells the fleet it is alive, and tries again while
// the database cannot be reached.
const (
	heartbeat = 10 * time.Second
	retryDown = time.Second
)

// openFleet opens the fleet's tables when [store] url names a shared
// database; d.fleet stays nil otherwise. Nothing connects yet: a database
// that is down at start delays joining the fleet, not the daemon.
func (d *Daemon) openFleet() error {
	if d.cfg.Store.URL == "" {
		return nil
	}
	f, err := fleet.Open(fleet.Config{URL: d.cfg.Store.URL, Host: d.cfg.Daemon.Host}, d.log)
	if err != nil {
		return err
	}
	d.fleet = f
	return nil
}

// fleetHealth is what the heartbeat reports; the outage spool fills it in.
func (d *Daemon) fleetHealth() fleet.Health {
	if d.health == nil {
		return fleet.Health{}
	}
	return d.health()
}

// beat tells the fleet every heartbeat that this daemon is alive, until
// ctx ends. A database that cannot be reached is logged once per outage.
func (d *Daemon) beat(ctx context.Context) error {
	t := time.NewTimer(heartbeat)
	defer t.Stop()
	down := false
	for {
		err := d.fleet.Beat(ctx, d.fleetHealth())
		switch {
		case err == nil && down:
			d.log.Info("fleet database reachable again")
			down = false
		case errors.Is(err, alerts.ErrUnavailable) && !down:
			d.log.Warn("fleet database unreachable; detecting and blocking locally", "err", err)
			down = true
		case err != nil && ctx.Err() == nil && !errors.Is(err, alerts.ErrUnavailable):
			d.log.Error("fleet heartbeat", "err", err)
		}
		t.Reset(map[bool]time.Duration{false: heartbeat, true: retryDown}[down])
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
