// Package rules holds attack signatures: header-field matches on a logged
// packet with an id, a name and a danger level. It reads ifw's own rules
// format (etc/signatures) and psad's signature file format, and matches a
// packet against a compiled Set without allocating.
package rules
