package block

import (
	"context"
	"errors"
)

// Destroy destroys the four sets (`ifw setup --remove`, the package's
// removal), blocks and bulk entries with them, and returns the names of
// those it destroyed; a set that does not exist is skipped. It first takes
// the sets' lock: while a daemon holds them, Destroy changes nothing and
// returns its *InUseError. A set a firewall rule still names stays (the
// kernel refuses; a *KernelError).
func (s *Sets) Destroy(ctx context.Context) ([]string, error) {
	lock, err := s.Lock()
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	var done []string
	for _, spec := range s.specs() {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		// Asked first: the kernel's answer to destroying a missing set
		// is not one the library passes on.
		if _, err := s.header(spec.name); errors.Is(err, ErrNoSet) {
			continue
		} else if err != nil {
			return done, err
		}
		if err := s.destroy(spec.name); err != nil && !errors.Is(err, ErrNoSet) {
			return done, err
		}
		done = append(done, spec.name)
	}
	return done, nil
}
