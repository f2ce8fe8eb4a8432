package procs

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/ifw/ifw/test/testenv"
)

func TestLookupInNetNS(t *testing.T) {
	// New inside a namespace finds its sockets, from any goroutine; a
	// Finder of the host's namespace does not.
	var cn conn
	var inside *Finder
	testenv.NewNetNS(t, "procs").Do(t, func() {
		cn = tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4)
		inside = newTestFinder(t, Config{}, false)
	})
	own, err := inside.Lookup(cn.tuple)
	if err != nil {
		t.Fatal(err)
	}
	checkSelf(t, own, cn)
	host := newTestFinder(t, Config{}, false)
	if own, err := host.Lookup(cn.tuple); !errors.Is(err, ErrNoSocket) {
		t.Errorf("host lookup of a namespace's socket: %+v, %v; want ErrNoSocket", own, err)
	}
}
