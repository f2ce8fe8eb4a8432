// Package profile writes the Go profiles (go tool pprof) that ifw analyze
// (--cpuprofile, --memprofile) and ifw daemon (--cpuprofile) take on
// request. It is a package of its own so that the CLI and the daemon's
// package share it without importing each other.
package profile
