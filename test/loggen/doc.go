// Command loggen writes a realistic, reproducible firewall log for
// benchmarks: BSD syslog lines from a day of internet background noise,
// port scanners of every kind (SYN, connect, FIN, NULL, Xmas, ACK, UDP, IP
// protocol), sweeps, Mirai-style telnet probes, pings, ICMP errors, IPv6 and
// ordinary non-firewall syslog lines, in time order. The same -seed gives
// the same file.
//
//	go run ./test/loggen -lines 1000000 -seed 1 > /tmp/fw.log
package main
