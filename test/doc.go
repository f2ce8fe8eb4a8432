// Package test holds ifw's real system tests: each builds its own network
// namespaces, firewall rules and traffic, and checks what ifw makes of the
// kernel's output. They need root and Debian packages (`make check` installs
// them); outside CI a missing prerequisite skips the test with its reason,
// under CI=true it fails.
package test
