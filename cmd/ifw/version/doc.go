// Package version says what build of ifw this is: the version, commit
// and date `make build` links in, over what Go's build info records. It
// is its own package so that the linker flags name one stable place and
// the man pages, the CLI and a package build read the same answer.
package version
