// Package analyze is ifw's offline analyzer, the library behind
// `ifw analyze` (and `ifw report --log`): firewall log files in, through
// the same engine as the daemon, a psad -A style report out — who scanned,
// how, how dangerously, with the top ports, signatures, log prefixes and
// protocols.
//
// It is a library the CLI calls, options in and report out, so that it is
// tested without the binary and other commands can use it: New reads the
// configuration's [detect] section and the lists, and parses the filters
// (a mistake there is the caller's: a usage error); Read reads the logs
// ("-" is Options.Stdin, .gz unwrapped); WriteText, WriteJSON and Summary
// print; Attackers and Files give the results to another report.
//
// Options are named after ifw analyze's flags, and the errors New returns
// name them (--since, --match…), since a person reads them at a command
// line. What is printed is written as it is: the caller's writer escapes
// what a log line may carry for a terminal (cmd/ifw/termsafe).
//
// With Options.Jobs above 1 (ifw analyze --jobs, by default the cores
// Go may use), an input is read in chunks of whole lines by one goroutine,
// parsed by Jobs workers (which also prepare each packet for the engines:
// signatures matched, fingerprint guessed, a small record the other cores
// read instead of the Packet; signatures.Preparer), dated in input order
// by one dispatcher and
// counted by Jobs engines, each owning the sources that hash to it
// (signatures.Shards); the report is the one engine's, byte for byte
// (TestJobsSameReport). The chunks are a fixed pool, and every goroutine
// ends with its input. A `journalctl -o export` input is cut between
// entries, so that a message keeps its entry's time and host. A .gz is
// inflated by the reading goroutine, alongside the parsing (a gzip stream
// cannot be split). Where more attackers ended than Retain keeps
// (--min-level 0 on a long log), each engine holds up to Retain of them
// until the report picks the most dangerous: that memory grows with Jobs.
//
// Nothing read is unbounded: a line over 64 KiB is counted as malformed
// and skipped whole, the attackers kept after their scan window ended are
// bounded (Retain), and so are the destinations and scans listed for each.
package analyze
