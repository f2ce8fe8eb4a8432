package nflog

import (
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// netns is the network namespace a Source collects in: nil for the
// daemon's own, else an open handle on the namespace file.
type netns struct {
	f *os.File
}

// openNetNS opens the namespace at path; "" is the daemon's own.
func openNetNS(path string) (*netns, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("nflog: open netns: %w", err)
	}
	return &netns{f: f}, nil
}

// fd is what go-nflog (and mdlayher/netlink) take to dial inside the
// namespace: 0 means the caller's own.
func (n *netns) fd() int {
	if n == nil {
		return 0
	}
	return int(n.f.Fd())
}

func (n *netns) Close() error {
	if n == nil {
		return nil
	}
	return n.f.Close()
}

// do runs fn in the namespace. It runs on a goroutine locked to its OS
// thread that enters the namespace and ends still locked, so that Go
// discards the thread instead of handing it, switched, to other
// goroutines. do waits for fn: nothing outlives the call.
func (n *netns) do(fn func() error) error {
	if n == nil {
		return fn()
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		if err := unix.Setns(n.fd(), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("nflog: enter netns: %w", err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}
