// Package jsonlists makes the JSON ifw prints to scripts regular: every
// list is [] and every map {} when empty, never null, so that a script
// reading `ifw status --json`, `ifw analyze --json` or the control API can
// iterate without checking for null first. It is its own package because
// both the control API's server and the command line encode with it.
package jsonlists
