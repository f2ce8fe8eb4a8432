package notify

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Paths of the control-socket API the applet uses.
const (
	EventsPath  = "/v1/events"
	ChoicesPath = "/v1/choices"
	// baseURL: the host is ignored on a unix socket.
	baseURL = "http://ifw"
	// maxEventLine bounds one line of the event stream.
	maxEventLine = 4 << 20
)

// daemonClient is the applet's client of the control socket.
type daemonClient struct {
	http *http.Client
}

// unixClient is an HTTP client whose every connection goes to socket.
// It has no overall timeout: the event stream lasts. A response's headers
// may take up to headerWait: a choice's answer waits for polkit.
func unixClient(socket string, headerWait time.Duration) *http.Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
		MaxIdleConns:          2,
		IdleConnTimeout:       30 * time.Second,
		ResponseHeaderTimeout: headerWait,
	}
	return &http.Client{Transport: tr}
}

// events opens the event stream and calls fn for each event until the
// stream ends, fails or ctx ends. connected reports whether the daemon
// accepted the subscription.
func (c *daemonClient) events(ctx context.Context, fn func(Event)) (connected bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+EventsPath, nil)
	if err != nil {
		return false, fmt.Errorf("notify: events: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return false, fmt.Errorf("notify: events: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, statusError("events", resp)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), maxEventLine)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var ev Event
		if err := json.Unmarshal(line, &ev); err != nil {
			return true, fmt.Errorf("notify: events: bad line: %w", err)
		}
		fn(ev)
	}
	if err := sc.Err(); err != nil {
		return true, fmt.Errorf("notify: events: %w", err)
	}
	return true, fmt.Errorf("notify: events: %w", io.EOF)
}

// choose posts a choice.
func (c *daemonClient) choose(ctx context.Context, cr ChoiceRequest) error {
	body, err := json.Marshal(cr)
	if err != nil {
		return fmt.Errorf("notify: choices: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+ChoicesPath, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("notify: choices: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("notify: choices: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return statusError("choices", resp)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return nil
}

// statusError reads the daemon's {"error": …} answer, if any.
func statusError(op string, resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	var e struct {
		Error string `json:"error"`
	}
	msg := strings.TrimSpace(string(b))
	if json.Unmarshal(b, &e) == nil && e.Error != "" {
		msg = e.Error
	}
	return &StatusError{Op: op, Code: resp.StatusCode, Message: msg}
}
