package daemon

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/ifw/ifw/etc/config"
	"github.com/ifw/ifw/signatures"
)

// reloadOnHUP re-reads the configuration, signatures, auto_dl and lists on
// SIGHUP and applies them to the engine without losing its state. A bad
// configuration is logged and the running one kept. Collectors and the
// daemon's own settings change on restart.
func (d *Daemon) reloadOnHUP(ctx context.Context) error {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-hup:
			if err := d.reload(ctx); err != nil {
				d.log.Error("reload failed; keeping the running configuration", "err", err)
			}
		}
	}
}

func (d *Daemon) reload(ctx context.Context) error {
	cfg, err := config.Load(d.cfg.Path, d.cfg.Path != config.DefaultsPath)
	if err != nil {
		return err
	}
	set, err := cfg.Detect.LoadLists()
	if err != nil {
		return err
	}
	config.LogSkipped(d.log, set)
	var rerr error
	if err := d.pipe.do(ctx, func(e *signatures.Engine) {
		if rerr = e.Reconfigure(cfg.Detect.Engine, set); rerr == nil {
			rerr = d.pipe.sensors.reconfigure(cfg.Detect.Engine, set) // every sensor's engine too
		}
	}); err != nil {
		return err
	}
	if rerr != nil {
		return rerr
	}
	if d.block != nil {
		if err := d.block.reload(ctx); err != nil {
			return err
		}
	}
	if d.outbound != nil {
		if err := d.outbound.reload(ctx); err != nil {
			return err
		}
	}
	d.log.Info("configuration reloaded", "config", cfg.Describe(), "signatures", set.Len())
	return nil
}
