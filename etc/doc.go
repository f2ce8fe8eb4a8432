// Package etc holds ifw's shipped configuration and rule files, and builds
// the defaults into the binary so that ifw works before anything is
// installed under /etc/ifw. Replace rewrites such a file atomically.
//
// ConfigError is ifw's one configuration error: it lives here, in a leaf
// that imports nothing of ifw's, so that every library package's Validate
// can return it (with the ifw.conf key it is about) and the reader of
// ifw.conf, etc/config, can place it at its file and line.
package etc
