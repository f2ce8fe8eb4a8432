// Package sources holds what every collector produces: Packet, one packet
// the kernel's firewall logged, and the Source contract that collectors
// (kmsg, syslog file, journal, NFLOG) implement. The LOG text parser lives in
// the logline subpackage; concrete collectors live in subpackages of their own.
package sources
