package control_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/control/controltest"
)

// TestAPIAutoBlock: the automatic-blocking switch through the typed
// client: read, set, set back, with who set it; a body without "on" is
// refused; blocking off answers 503.
func TestAPIAutoBlock(t *testing.T) {
	socket, b := controltest.Start(t, nil)
	c, ctx := control.NewClient(socket), context.Background()
	if a, err := c.AutoBlock(ctx); err != nil || a.On || !a.Changed.IsZero() {
		t.Errorf("at the start: %+v, %v", a, err)
	}
	a, err := c.SetAutoBlock(ctx, true)
	if err != nil || !a.On || a.By == "" || a.Changed.IsZero() || !b.AutoOn() {
		t.Errorf("set on: %+v, %v (backend on: %v)", a, err, b.AutoOn())
	}
	if got, err := c.AutoBlock(ctx); err != nil || got.On != true || got.By != a.By {
		t.Errorf("read back %+v, %v", got, err)
	}
	if a, err := c.SetAutoBlock(ctx, false); err != nil || a.On || b.AutoOn() {
		t.Errorf("set off: %+v, %v", a, err)
	}
	req, _ := http.NewRequest(http.MethodPut, "http://ifw/v1/blocks/auto", strings.NewReader(`{}`))
	if code := rawCode(t, socket, req); code != http.StatusBadRequest {
		t.Errorf("PUT {}: %d, want 400", code)
	}

	off, _ := controltest.Start(t, &controltest.Backend{BlockingOff: true})
	if _, err := control.NewClient(off).SetAutoBlock(ctx, true); apiError(t, err).Code != http.StatusServiceUnavailable {
		t.Errorf("blocking off: %v", err)
	}
}

// rawCode sends req to the socket and returns the answer's status.
func rawCode(t *testing.T, socket string, req *http.Request) int {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", socket)
	}}}
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
