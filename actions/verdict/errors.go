package verdict

import "errors"

// Errors callers branch on.
var (
	// ErrConfig: an invalid Config (an *etc.ConfigError).
	ErrConfig = errors.New("verdict: invalid config")
	// ErrNoQuestion: Answer names a question that is not open (answered,
	// timed out, or never asked).
	ErrNoQuestion = errors.New("verdict: no such open question")
	// ErrNotOwner: only root and the connection's owner may answer.
	ErrNotOwner = errors.New("verdict: not the connection's owner")
	// ErrPacket: a queued packet whose headers cannot be read.
	ErrPacket = errors.New("verdict: unreadable packet")
	// ErrStopped: the module is not running.
	ErrStopped = errors.New("verdict: not running")
)
