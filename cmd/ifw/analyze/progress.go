package analyze

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progressMin is the input size from which "auto" shows a progress bar.
const progressMin = 64 << 20

// progress draws a one-line progress bar on a terminal's stderr.
type progress struct {
	w       io.Writer
	mode    string
	on      bool
	in      *input
	started time.Time
	last    time.Time
}

// newProgress draws on w as mode says; a nil w draws nothing.
func newProgress(w io.Writer, mode string) *progress {
	if w == nil {
		w, mode = io.Discard, "never"
	}
	return &progress{w: w, mode: mode}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// start decides whether to show progress for in.
func (p *progress) start(in *input) {
	p.in, p.started = in, time.Now()
	switch p.mode {
	case "always":
		p.on = true
	case "never":
		p.on = false
	default:
		p.on = isTerminal(p.w) && in.size >= progressMin
	}
}

// update redraws at most five times a second.
func (p *progress) update() {
	if !p.on {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	done := p.in.read.n
	mb := float64(done) / (1 << 20)
	rate := mb / now.Sub(p.started).Seconds()
	if p.in.size > 0 {
		pct := 100 * float64(done) / float64(p.in.size)
		fmt.Fprintf(p.w, "\r%s %5.1f%% %8.1f MiB %6.1f MiB/s ", p.in.name, pct, mb, rate)
		return
	}
	fmt.Fprintf(p.w, "\r%s %8.1f MiB %6.1f MiB/s ", p.in.name, mb, rate)
}

// finish clears the bar.
func (p *progress) finish() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
