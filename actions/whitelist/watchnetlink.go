package whitelist

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// subscribeBuffer is the receive buffer of each netlink subscription: a
// burst of route changes (a full routing table arriving over BGP, a VPN)
// that overflows it breaks the subscription, which is then made again.
const subscribeBuffer = 1 << 20

// NetlinkSubscribe is the real Subscribe: netlink subscriptions to
// address, route and link changes in the network namespace at nsPath
// (empty: the daemon's own), each listing what exists first. Links are
// watched because the kernel drops the IPv4 routes of a link that goes
// down without a notification per route.
func NetlinkSubscribe(nsPath string) Subscribe {
	return func(ctx context.Context, changed func()) error {
		ns := netns.None()
		if nsPath != "" {
			h, err := netns.GetFromPath(nsPath)
			if err != nil {
				return fmt.Errorf("open netns %s: %w", nsPath, err)
			}
			defer h.Close()
			ns = h
		}
		return subscribeNetlink(ctx, ns, changed)
	}
}

// subscribeNetlink holds the three subscriptions until ctx ends or one of
// them breaks (the library closes its channel); the first error the
// library reported is the one returned. It returns only once the library's
// goroutines have stopped.
func subscribeNetlink(ctx context.Context, ns netns.NsHandle, changed func()) error {
	done := make(chan struct{})
	var (
		mu      sync.Mutex
		lastErr error
	)
	onErr := func(err error) {
		if errors.Is(err, netlink.ErrDumpInterrupted) {
			return // the listing changed meanwhile: the load reads it again
		}
		mu.Lock()
		if lastErr == nil {
			lastErr = err
		}
		mu.Unlock()
	}
	addrs := make(chan netlink.AddrUpdate, 16)
	routes := make(chan netlink.RouteUpdate, 16)
	links := make(chan netlink.LinkUpdate, 16)
	var made []func() bool // one per subscription made: receive one update, false once closed
	err := netlink.AddrSubscribeWithOptions(addrs, done, netlink.AddrSubscribeOptions{Namespace: &ns,
		ErrorCallback: onErr, ListExisting: true, ReceiveBufferSize: subscribeBuffer})
	if err == nil {
		made = append(made, recvFrom(addrs))
		err = netlink.RouteSubscribeWithOptions(routes, done, netlink.RouteSubscribeOptions{Namespace: &ns,
			ErrorCallback: onErr, ListExisting: true, ReceiveBufferSize: subscribeBuffer})
	}
	if err == nil {
		made = append(made, recvFrom(routes))
		err = netlink.LinkSubscribeWithOptions(links, done, netlink.LinkSubscribeOptions{Namespace: &ns,
			ErrorCallback: onErr, ListExisting: true, ReceiveBufferSize: subscribeBuffer})
	}
	if err == nil {
		made = append(made, recvFrom(links))
	}
	// close(done) closes the sockets; each library goroutine then ends
	// and closes its channel, once the update it may be sending is taken.
	defer func() {
		close(done)
		for _, recv := range made {
			for recv() {
			}
		}
	}()
	if err != nil {
		return fmt.Errorf("netlink subscribe: %w", err)
	}
	for {
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case _, ok = <-addrs:
		case _, ok = <-routes:
		case _, ok = <-links:
		}
		if !ok {
			mu.Lock()
			defer mu.Unlock()
			if lastErr == nil {
				lastErr = errors.New("the kernel closed it")
			}
			return fmt.Errorf("netlink subscription broke: %w", lastErr)
		}
		changed()
	}
}

// recvFrom receives one value from ch: false once ch is closed.
func recvFrom[T any](ch <-chan T) func() bool {
	return func() bool {
		_, ok := <-ch
		return ok
	}
}
