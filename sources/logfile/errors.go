package logfile

import (
	"errors"
	"io/fs"
)

// ErrConfig matches every error Config.Validate returns: an
// *etc.ConfigError whose Key is the field's ifw.conf key.
var ErrConfig = errors.New("logfile: invalid config")

// ErrRunning is returned by Run while another Run of the same Source runs.
var ErrRunning = errors.New("logfile: already running")

// ErrNotRegular is wrapped when the path is not a regular file (a FIFO, a
// directory): following it could block or mean nothing.
var ErrNotRegular = errors.New("logfile: not a regular file")

// MissingError is what Stats reports while the followed file does not
// exist. Run keeps waiting for it; it is not a failure.
type MissingError struct {
	Path string
}

func (e *MissingError) Error() string {
	return "logfile: " + e.Path + " does not exist, waiting for it"
}

// Unwrap makes errors.Is(err, fs.ErrNotExist) true.
func (e *MissingError) Unwrap() error { return fs.ErrNotExist }
