package alerts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// recover moves the corrupt database (with its -wal and -shm files) aside
// as PATH.corrupt-TIME and opens an empty one in its place. cause is why
// the first open failed. A corrupt store must not stop detection: the
// daemon goes on with an empty history, says so loudly, and the damaged
// file stays for the admin to inspect or salvage.
func (s *Store) recover(ctx context.Context, cause error) error {
	s.w, s.r, s.stmts = nil, nil, writeStmts{}
	aside := fmt.Sprintf("%s.corrupt-%s", s.cfg.Path, time.Now().UTC().Format("20060102T150405Z"))
	if err := moveAside(s.cfg.Path, aside); err != nil {
		return errors.Join(cause, fmt.Errorf("moving the corrupt database aside: %w", err))
	}
	s.log.Error("the database is corrupt: moved aside, starting with an empty one",
		"moved_to", aside, "err", cause)
	if err := s.open(ctx); err != nil {
		return fmt.Errorf("a new database after moving the corrupt one to %s: %w", aside, err)
	}
	s.recovered = aside
	return nil
}

// moveAside renames path and its SQLite companions to aside(+suffix); the
// companions may be missing.
func moveAside(path, aside string) error {
	if err := os.Rename(path, aside); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Rename(path+suffix, aside+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// Recovered is where a corrupt database was moved when Open started an
// empty one (Config.Recover); "" when it did not.
func (s *Store) Recovered() string { return s.recovered }
