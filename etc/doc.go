// Package etc holds ifw's shipped configuration and rule files, and builds
// the defaults into the binary so that ifw works before anything is
// installed under /etc/ifw. Replace rewrites such a file atomically.
package etc
