package applet

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
)

// execWindow is the default Config.OpenWindow: it starts `ifw ui` (self:
// this very binary) for the same socket, which opens the browser. The
// window outlives the applet; its exit is only logged.
func execWindow(self func() (string, error), socket string, log *slog.Logger) func(context.Context) error {
	return func(context.Context) error {
		self, err := self()
		if err != nil {
			return fmt.Errorf("ifw ui: %w", err)
		}
		args := []string{"ui"}
		if socket != "" {
			args = append(args, "--socket", socket)
		}
		cmd := exec.Command(self, args...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("ifw ui: %w", err)
		}
		log.Info("management window started", "pid", cmd.Process.Pid)
		go func() { // reaps it; ends with the window
			if err := cmd.Wait(); err != nil {
				log.Warn("management window exited", "pid", cmd.Process.Pid, "err", err)
			}
		}()
		return nil
	}
}
