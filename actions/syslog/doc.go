// Package syslog is an alerts.Action that writes one line per alert to
// syslog, through log/syslog: the local syslog daemon (/dev/log) unless
// Config.Network and Config.Addr name another, with the tag "ifw" and the
// priority auth.warning unless configured otherwise. A line reads:
//
//	ifw[PID]: danger level 4 from 198.51.100.7 (syn scan tcp/1-1024 to 203.0.113.5; signatures: SCAN FIN)
//
// Names that come from the logs are made one line (control characters
// become spaces), so an alert cannot forge a second syslog line. The
// connection is made at the first alert and made again after a failed
// write; Close closes it. A write to a syslog daemon that does not read
// blocks its worker until the daemon reads (the Dispatcher drops what
// overflows the route's queue meanwhile).
package syslog
