package control

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/ifw/ifw/sources/userdb"
)

// pathBlocksAuto is the automatic-blocking switch: GET reads it, PUT
// sets it (need actBlock, as blocking by hand).
const pathBlocksAuto = "/v1/blocks/auto"

// AutoBlock is the automatic-blocking switch as GET/PUT /v1/blocks/auto
// answer and `ifw status` shows it (blocking.auto).
type AutoBlock struct {
	// On: alerts at the auto-block level block their source now.
	On bool `json:"on"`
	// Configured is ifw.conf's [block] auto.
	Configured bool `json:"configured"`
	// Changed and By: when and by whom the switch was last set at run
	// time (absent while it is the config's value).
	Changed time.Time `json:"changed,omitzero"`
	By      string    `json:"by,omitempty"`
	// Warning: the switch changed but could not be saved (it goes back
	// to the saved or configured value at the next start).
	Warning string `json:"warning,omitempty"`
}

// AutoBlockRequest is the body of PUT /v1/blocks/auto.
type AutoBlockRequest struct {
	On *bool `json:"on"`
}

// AutoBlock reads the automatic-blocking switch.
func (c *Client) AutoBlock(ctx context.Context) (AutoBlock, error) {
	var a AutoBlock
	return a, c.do(ctx, http.MethodGet, pathBlocksAuto, nil, &a)
}

// SetAutoBlock turns automatic blocking on or off (persisted by the
// daemon, audited in its log).
func (c *Client) SetAutoBlock(ctx context.Context, on bool) (AutoBlock, error) {
	var a AutoBlock
	return a, c.do(ctx, http.MethodPut, pathBlocksAuto, AutoBlockRequest{On: &on}, &a)
}

func getAutoBlock(b Blocking, _ *http.Request) (any, error) { return b.AutoBlock(), nil }

func setAutoBlock(b Blocking, r *http.Request) (any, error) {
	var req AutoBlockRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.On == nil {
		return nil, badRequest(fmt.Errorf(`request body: want {"on": true} or {"on": false}`))
	}
	a, err := b.SetAutoBlock(*req.On, peerOf(r).who())
	return a, blockError(err)
}

// who names the peer for an audit line: "root", or "uid 1000 (al)".
func (p peer) who() string {
	if p.uid == 0 {
		return "root"
	}
	id := strconv.FormatUint(uint64(p.uid), 10)
	if u, err := userdb.LookupID(id); err == nil {
		return "uid " + id + " (" + u.Username + ")"
	}
	return "uid " + id
}
