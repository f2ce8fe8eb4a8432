package polkit

import "errors"

var (
	// ErrUnavailable: the authority could not be asked (no system bus, no
	// polkitd, a failed call). Callers refuse what needed the answer.
	ErrUnavailable = errors.New("polkit: authority unavailable")
	// ErrConfig: a Config that Validate refuses (an *etc.ConfigError).
	ErrConfig = errors.New("polkit: invalid config")
)
