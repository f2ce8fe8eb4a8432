package control

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/alerts"
)

// Bounds of the client: an answer's body, one event line, and how long
// an answer's headers may take (an answer may wait for a polkit password
// dialog).
const (
	maxAnswer       = 64 << 20
	maxEventLine    = 4 << 20
	clientHeaderMax = 3 * time.Minute
	// baseURL: the host is ignored on a unix socket.
	baseURL = "http://ifw"
)

// Client calls the daemon's control API over its socket. Every command
// of the CLI and the applet use it; nothing else builds the API's paths.
type Client struct {
	socket string
	http   *http.Client
}

// NewClient makes a client of the daemon listening on socket
// (DefaultSocket if empty). Nothing is opened until a call.
func NewClient(socket string) *Client {
	if socket == "" {
		socket = DefaultSocket
	}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
		MaxIdleConns:          2,
		IdleConnTimeout:       30 * time.Second,
		ResponseHeaderTimeout: clientHeaderMax,
	}
	return &Client{socket: socket, http: &http.Client{Transport: tr}}
}

// Socket is the socket the client calls.
func (c *Client) Socket() string { return c.socket }

// Status is GET /v1/status.
func (c *Client) Status(ctx context.Context) (*Status, error) {
	var st Status
	return &st, c.do(ctx, http.MethodGet, pathStatus, nil, &st)
}

// Alerts lists the stored alerts q selects, newest first.
func (c *Client) Alerts(ctx context.Context, q AlertQuery) ([]AlertRecord, error) {
	var list []AlertRecord
	path := pathAlerts
	if v := q.values(); len(v) > 0 {
		path += "?" + v.Encode()
	}
	return list, c.do(ctx, http.MethodGet, path, nil, &list)
}

// Blocks lists the active blocks.
func (c *Client) Blocks(ctx context.Context) ([]block.Active, error) {
	var list []block.Active
	return list, c.do(ctx, http.MethodGet, pathBlocks, nil, &list)
}

// Block blocks an address or network.
func (c *Client) Block(ctx context.Context, req BlockRequest) (alerts.Block, error) {
	var b alerts.Block
	return b, c.do(ctx, http.MethodPost, pathBlocks, req, &b)
}

// Unblock lifts the block of an address or network.
func (c *Client) Unblock(ctx context.Context, prefix string) (Removed, error) {
	var r Removed
	return r, c.do(ctx, http.MethodDelete, pathBlocks+"?"+url.Values{"prefix": {prefix}}.Encode(), nil, &r)
}

// ReloadBlocks loads the bulk block lists again.
func (c *Client) ReloadBlocks(ctx context.Context) (block.BulkStats, error) {
	var st block.BulkStats
	return st, c.do(ctx, http.MethodPost, pathBlocksReload, struct{}{}, &st)
}

// FlushBlocks lifts every active block (auto, manual, the desktop's);
// the bulk drop lists stay loaded.
func (c *Client) FlushBlocks(ctx context.Context) (Flushed, error) {
	var f Flushed
	return f, c.do(ctx, http.MethodPost, pathBlocksFlush, struct{}{}, &f)
}

// Whitelist is the whitelist file and the never-block list.
func (c *Client) Whitelist(ctx context.Context) (*Whitelist, error) {
	var wl Whitelist
	return &wl, c.do(ctx, http.MethodGet, pathWhitelist, nil, &wl)
}

// WhitelistAdd adds a whitelist entry (lifting the blocks it covers).
func (c *Client) WhitelistAdd(ctx context.Context, req WhitelistRequest) (*WhitelistAdded, error) {
	var res WhitelistAdded
	return &res, c.do(ctx, http.MethodPost, pathWhitelist, req, &res)
}

// WhitelistDel removes a whitelist entry.
func (c *Client) WhitelistDel(ctx context.Context, entry string) (Removed, error) {
	var r Removed
	return r, c.do(ctx, http.MethodDelete, pathWhitelist+"?"+url.Values{"entry": {entry}}.Encode(), nil, &r)
}

// Queue lists the outbound questions the caller may see.
func (c *Client) Queue(ctx context.Context) ([]verdict.Question, error) {
	var qs []verdict.Question
	return qs, c.do(ctx, http.MethodGet, pathQueue, nil, &qs)
}

// Answer answers question id.
func (c *Client) Answer(ctx context.Context, id uint64, req AnswerRequest) (*Answered, error) {
	var res Answered
	return &res, c.do(ctx, http.MethodPost, pathQueue+"/"+strconv.FormatUint(id, 10), req, &res)
}

// Verdicts lists the outbound module's recent verdicts the caller may
// see (its own connections', unless it sees every user's), newest first.
func (c *Client) Verdicts(ctx context.Context) ([]verdict.Given, error) {
	var vs []verdict.Given
	return vs, c.do(ctx, http.MethodGet, pathVerdicts, nil, &vs)
}

// Rules lists the outbound rules that apply to the caller.
func (c *Client) Rules(ctx context.Context) ([]Rule, error) {
	var rs []Rule
	return rs, c.do(ctx, http.MethodGet, pathRules, nil, &rs)
}

// AddRule adds an outbound rule.
func (c *Client) AddRule(ctx context.Context, req RuleRequest) (Rule, error) {
	var r Rule
	return r, c.do(ctx, http.MethodPost, pathRules, req, &r)
}

// DeleteRule deletes outbound rule id.
func (c *Client) DeleteRule(ctx context.Context, id uint64) (Rule, error) {
	var r Rule
	return r, c.do(ctx, http.MethodDelete, pathRules+"/"+strconv.FormatUint(id, 10), nil, &r)
}

// Choose posts a click on a bubble.
func (c *Client) Choose(ctx context.Context, req ChoiceRequest) (Choice, error) {
	var ch Choice
	return ch, c.do(ctx, http.MethodPost, pathChoices, req, &ch)
}

// Events streams the caller's bubbles: fn gets each event until the
// stream ends, fails or ctx ends. connected reports whether the daemon
// accepted the subscription.
func (c *Client) Events(ctx context.Context, fn func(Event)) (connected bool, err error) {
	return c.follow(ctx, pathEvents, "events", func(line []byte) error {
		var ev Event
		if err := json.Unmarshal(line, &ev); err != nil {
			return err
		}
		fn(ev)
		return nil
	})
}

// Stream follows GET /v1/stream: fn gets each StreamEvent (a "hello"
// first) until the stream ends, fails or ctx ends; it always returns an
// error (io.EOF wrapped when the daemon ended the stream).
func (c *Client) Stream(ctx context.Context, fn func(StreamEvent)) error {
	_, err := c.follow(ctx, pathStream, "stream", func(line []byte) error {
		var ev StreamEvent
		if err := json.Unmarshal(line, &ev); err != nil {
			return err
		}
		fn(ev)
		return nil
	})
	return err
}

// follow reads the JSON lines of a streamed GET, each to fn.
func (c *Client) follow(ctx context.Context, path, what string, fn func([]byte) error) (connected bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+path, nil)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return false, c.dialError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, answerError(resp.StatusCode, resp.Body)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), maxEventLine)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := fn(line); err != nil {
			return true, fmt.Errorf("%s: bad line: %w", what, err)
		}
	}
	if err := sc.Err(); err != nil {
		return true, fmt.Errorf("%s: %w", what, err)
	}
	return true, fmt.Errorf("%s: %w", what, io.EOF)
}

// MarkSeen tells the daemon that the user saw the alerts up to upTo: the
// user's own applets stop asking for attention.
func (c *Client) MarkSeen(ctx context.Context, upTo int64) error {
	var s Seen
	return c.do(ctx, http.MethodPost, pathAlertsSeen, SeenRequest{UpTo: upTo}, &s)
}

// Report writes the daemon's HTML report of [from, to) to w.
func (c *Client) Report(ctx context.Context, from, to time.Time, w io.Writer) error {
	v := url.Values{}
	v.Set("from", from.UTC().Format(time.RFC3339))
	v.Set("to", to.UTC().Format(time.RFC3339))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+pathReport+"?"+v.Encode(), nil)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return c.dialError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return answerError(resp.StatusCode, resp.Body)
	}
	if _, err := io.Copy(w, io.LimitReader(resp.Body, maxAnswer)); err != nil {
		return fmt.Errorf("reading the report: %w", err)
	}
	return nil
}

// do sends a request (body, when not nil, as JSON) and decodes the answer
// into v.
func (c *Client) do(ctx context.Context, method, path string, body, v any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, baseURL+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return c.dialError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return answerError(resp.StatusCode, resp.Body)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("reading the daemon's answer: %w", err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("the daemon's answer: %w", err)
	}
	return nil
}
