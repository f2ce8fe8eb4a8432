package control

import (
	"context"
	"net/netip"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/report"
)

// Backend is what the daemon offers the control API. The server owns the
// HTTP side (routes, peers, authorization, status codes); the backend
// owns the state. A part that is off returns nil, and its routes answer
// 503.
type Backend interface {
	// Status is the daemon's picture, without the Control part (the
	// server adds it).
	Status(ctx context.Context) (*Status, error)
	// Alerts is the alert history q selects, newest first, with what
	// each alert's actions did.
	Alerts(ctx context.Context, q alerts.Query) ([]AlertRecord, error)
	// Report is the report of opts' period from the daemon's store; the
	// daemon fills in what it knows (host, collectors' health, outbound).
	Report(ctx context.Context, opts report.Options) (*report.Report, error)
	Blocking() Blocking
	Outbound() Outbound
	// Hub is the desktop's notify hub, nil without a notify action.
	Hub() *notify.Hub
}

// Blocking is the blocking module as the API drives it.
type Blocking interface {
	List(ctx context.Context) ([]block.Active, error)
	Block(ctx context.Context, r block.Request) (alerts.Block, error)
	Unblock(ctx context.Context, p netip.Prefix) error
	ReloadBulk(ctx context.Context) (block.BulkStats, error)
	// Flush lifts every active block (the bulk lists stay) and returns
	// what it lifted.
	Flush(ctx context.Context) ([]netip.Prefix, error)
	Whitelist() Whitelist
	// WhitelistAdd adds an entry and lifts the blocks it now covers.
	WhitelistAdd(ctx context.Context, entry, comment string, allowUnresolved bool) (WhitelistAdded, error)
	WhitelistDel(entry string) error
	// AutoBlock is the automatic-blocking switch; SetAutoBlock sets it
	// (persisted, audited with by: who asked).
	AutoBlock() AutoBlock
	SetAutoBlock(on bool, by string) (AutoBlock, error)
}

// Outbound is the outbound (NFQUEUE) module as the API drives it.
type Outbound interface {
	Questions() []verdict.Question
	Rules() []rules.Entry
	Answer(id uint64, a verdict.Answer) (verdict.Question, *rules.Rule, error)
	AddRule(r rules.Rule) (rules.Rule, error)
	DeleteRule(id uint64) (rules.Rule, error)
	// Verdicts is the recent verdicts, newest first.
	Verdicts() []verdict.Given
}
