package applet

import "errors"

var (
	// ErrConfig matches every error Config.Validate returns.
	ErrConfig = errors.New("applet: invalid config")
	// ErrBusClosed: the session bus connection closed under the applet
	// (the session is over).
	ErrBusClosed = errors.New("applet: session bus connection closed")
)
