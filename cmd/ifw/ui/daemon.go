package ui

import (
	"context"
	"io"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// Daemon is the part of control.Client the window calls: every page and
// action goes through it, with the ui's (the user's) credentials.
type Daemon interface {
	Status(ctx context.Context) (*control.Status, error)
	Alerts(ctx context.Context, q control.AlertQuery) ([]control.AlertRecord, error)
	MarkSeen(ctx context.Context, upTo int64) error
	Blocks(ctx context.Context) ([]block.Active, error)
	Block(ctx context.Context, req control.BlockRequest) (alerts.Block, error)
	Unblock(ctx context.Context, prefix string) (control.Removed, error)
	ReloadBlocks(ctx context.Context) (block.BulkStats, error)
	Whitelist(ctx context.Context) (*control.Whitelist, error)
	WhitelistAdd(ctx context.Context, req control.WhitelistRequest) (*control.WhitelistAdded, error)
	WhitelistDel(ctx context.Context, entry string) (control.Removed, error)
	Queue(ctx context.Context) ([]verdict.Question, error)
	Answer(ctx context.Context, id uint64, req control.AnswerRequest) (*control.Answered, error)
	Rules(ctx context.Context) ([]control.Rule, error)
	AddRule(ctx context.Context, req control.RuleRequest) (control.Rule, error)
	DeleteRule(ctx context.Context, id uint64) (control.Rule, error)
	Verdicts(ctx context.Context) ([]verdict.Given, error)
	Stream(ctx context.Context, fn func(control.StreamEvent)) error
	Report(ctx context.Context, from, to time.Time, w io.Writer) error
}

var _ Daemon = (*control.Client)(nil)
