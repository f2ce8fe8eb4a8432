package daemon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/etc"
)

// The automatic-blocking switch (`ifw block auto`, the tray's menu) is
// kept in a small file of the state directory, next to the database, so
// that it survives a restart. It holds the config's value at the time it
// was set: once ifw.conf's [block] auto is edited to another value, the
// config wins and the file is removed (an administrator's edit is the
// newer decision).
const (
	autoStateFile = "auto-block"
	// maxAutoState bounds the file's read; a larger one is corrupt.
	maxAutoState = 4 << 10
)

// autoState is the switch's file.
type autoState struct {
	On         bool      `json:"on"`
	Configured bool      `json:"configured"`
	Changed    time.Time `json:"changed"`
	By         string    `json:"by"`
}

// errAutoState: the file is not a switch's state.
var errAutoState = errors.New("not an automatic-blocking state")

// autoStatePath is the switch's file for the database at db.
func autoStatePath(db string) string { return filepath.Join(filepath.Dir(db), autoStateFile) }

// parseAutoState reads the file's content, strictly: one JSON object with
// known fields only.
func parseAutoState(b []byte) (autoState, error) {
	var s autoState
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return autoState{}, fmt.Errorf("%w: %w", errAutoState, err)
	}
	if dec.More() {
		return autoState{}, fmt.Errorf("%w: data after the object", errAutoState)
	}
	if s.Changed.IsZero() {
		return autoState{}, fmt.Errorf("%w: no changed time", errAutoState)
	}
	return s, nil
}

// readAutoState reads path (at most maxAutoState bytes); ok is false
// when there is none.
func readAutoState(path string) (s autoState, ok bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return autoState{}, false, nil
	}
	if err != nil {
		return autoState{}, false, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxAutoState+1))
	if err != nil {
		return autoState{}, false, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > maxAutoState {
		return autoState{}, false, fmt.Errorf("%s: %w: longer than %d bytes", path, errAutoState, maxAutoState)
	}
	if s, err = parseAutoState(b); err != nil {
		return autoState{}, false, fmt.Errorf("%s:1: %w", path, err)
	}
	return s, true, nil
}

// writeAutoState replaces path with s (temporary file, fsync, rename).
func writeAutoState(path string, s autoState) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return etc.Replace(path, append(b, '\n'))
}

// initAuto sets the blocker's switch from its file: the saved value while
// the config's is the one it was saved against; otherwise the config's.
func (m *blocking) initAuto() {
	configured := m.settings.Policy.Auto
	m.autoInfo = control.AutoBlock{On: configured, Configured: configured}
	s, ok, err := readAutoState(m.autoPath)
	switch {
	case err != nil:
		m.log.Error("automatic-blocking switch not read; the config's value applies", "file", m.autoPath, "auto", configured, "err", err)
		return
	case !ok:
		return
	case s.Configured != configured:
		m.log.Info("ifw.conf's [block] auto changed since the automatic-blocking switch was set: the config's value applies",
			"auto", configured, "switch_was", s.On, "set_by", s.By, "set", s.Changed)
		if err := os.Remove(m.autoPath); err != nil {
			m.log.Warn("automatic-blocking switch file not removed", "file", m.autoPath, "err", err)
		}
		return
	}
	m.autoInfo.On, m.autoInfo.Changed, m.autoInfo.By = s.On, s.Changed, s.By
	m.blocker.SetAuto(s.On)
	if s.On != configured {
		m.log.Warn("automatic blocking set at run time overrides ifw.conf", "auto", s.On, "configured", configured,
			"set_by", s.By, "set", s.Changed, "file", m.autoPath)
	}
}

// AutoBlock is the switch (control.Blocking).
func (m *blocking) AutoBlock() control.AutoBlock {
	m.autoMu.Lock()
	defer m.autoMu.Unlock()
	a := m.autoInfo
	a.On = m.blocker.AutoOn()
	return a
}

// SetAutoBlock sets the switch for by (control.Blocking): at once, then
// saved; a save that fails leaves it set until the next start, and says
// so.
func (m *blocking) SetAutoBlock(on bool, by string) (control.AutoBlock, error) {
	m.autoMu.Lock()
	defer m.autoMu.Unlock()
	old := m.blocker.SetAuto(on)
	m.autoInfo.On, m.autoInfo.Changed, m.autoInfo.By = on, time.Now().UTC().Truncate(time.Second), by
	level := m.log.Info
	if !on {
		level = m.log.Warn
	}
	level("automatic blocking switched", "by", by, "old", onOff(old), "new", onOff(on), "configured", onOff(m.autoInfo.Configured))
	a := m.autoInfo
	err := writeAutoState(m.autoPath, autoState{On: on, Configured: a.Configured, Changed: a.Changed, By: by})
	if err != nil {
		m.log.Error("automatic-blocking switch not saved: it goes back at the next start", "file", m.autoPath, "err", err)
		a.Warning = fmt.Sprintf("switched %s, but not saved (%v): it goes back at the next start", onOff(on), err)
	}
	return a, nil
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
