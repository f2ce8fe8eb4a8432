// Package report sums up a period of ifw's alerts and blocks for people:
// who attacked, how, what was blocked, what the outbound module asked,
// and how the collectors fared, with the same totals for the period
// before.
//
// Build reads the daemon's store (through Source, the query methods of
// *alerts.Store); FromAnalysis makes the same report from `ifw analyze`'s
// attackers, without a daemon. Both return a *Report, which Text,
// Markdown, JSON and HTML render (Render picks one by name). WriteFile
// puts a rendered report into a file, whole or not at all, without
// following a link another user planted on the way: `ifw report --out`
// and the daemon's report schedule share it. Only Build and WriteFile do
// I/O (Build reads the store); everything else is pure: the time comes from Options, nothing is looked
// up on the network (no whois, no geolocation), and the same data always
// renders to the same bytes (every list is sorted, ties included).
//
// # What the numbers mean
//
// An alert is the engine's picture of an attacker when it changed; a
// scan raises several, each repeating and growing the picture of its
// scan window (the attacker's state from its first packet until it
// expires). So an attacker's level is its highest alert level in the
// period, and its scan records and signature hits are kept once each, at
// their largest. Its packets are the sum over its scan windows of each
// window's largest count: the stored window's (the daemon stores the
// counts of the attackers it saw lately each time it saves its state, see
// alerts.Store.PutWindows), else its latest alert's, which misses the
// packets that changed nothing. A window may have begun before the
// period. Totals.Packets adds up the attackers' packets.
//
// Ports: the engine counts the packets per destination port of each
// attacker and protocol (signatures.Attacker.Ports), exactly while the
// attacker hit at most 16 ports of the protocol, else its most hit ports
// with lower bounds (PortHit.AtLeast); alerts carry that list. The top
// ports add up, per attacker, the largest count of each port in each of
// its scan windows, and count the attackers whose lists hold the port, so
// a port is listed only if it was hit and its packets are never
// overstated (AtLeast marks lower bounds). Alerts stored before ifw
// counted ports have no list: their attackers count only the ports of
// dense scan records (as many distinct ports as the range is wide, at most
// alerts.MaxPorts), an even share of the packets each, never the ends of a
// sparse range (nmap's top 1000 ports span 1-65389). The attackers' own
// lines show the ranges themselves ("tcp/1-1024,3306"), said to be ranges.
// ICMP types and IP protocol numbers are not ports and are left out.
//
// Blocks: made counts blocks created in the period, expired, deleted and
// lost those that ended in it (whenever they were made), active those in
// force at its end; Build therefore reads every block the store has.
//
// Timelines: the period is cut into buckets of an hour (Report.BucketHours
// grows for long periods so that a chart holds at most 192 bars), aligned
// on the clock of Options.From's time zone. Hourly counts alerts and their
// highest level; LevelsOverTime counts the attackers active in each bucket
// by their highest level in it.
//
// Outbound sums up the questions the outbound (NFQUEUE) module asked and
// closed in the period: how many, allowed or denied, timed out (the
// default verdict), answered with a rule, and the programs and
// destinations most asked about. It is there only when the caller says
// the module is in use (Options.Outbound): nil otherwise, so that zeros
// never read as "nothing asked" when nothing could be.
//
// Collector health comes from the caller (the daemon's status): it counts
// since the daemon started. From a log there are no blocks
// (Report.Blocks nil), no outbound questions (Report.Outbound nil); the
// alerts are the engine's detections as it read the log, at their time,
// and the attackers' pictures their final ones; Collectors count over the
// files read.
//
// # Rendering
//
// Text writes aligned columns and replaces control characters; Markdown
// escapes every text from the data (HTML characters as entities, Markdown
// punctuation behind a backslash); JSON is the Report itself. HTML is one
// self-contained page, readable offline: inline CSS, no script, no
// external font or image, and three inline SVG charts (alerts per hour as
// bars coloured by level, danger levels over time as stacked bars, top
// ports as horizontal bars), each with a title, a description, axis
// titles, a legend and a table of the same numbers below it. It goes
// through html/template, so every text is escaped in its context.
//
// The charts are drawn here, without a chart library: the project takes
// no new dependency for them, and none is needed. Three bar charts take a
// scale with round ticks, bands and time labels, a few hundred lines;
// handing the template their geometry as data keeps every text escaped by
// html/template, the charts styled by the page's CSS and accessible
// (titles, descriptions, tables). Go's chart libraries render through
// JavaScript (go-echarts) or draw images and SVG with their own fonts and
// styles (go-chart), which a self-contained, escaped page cannot use as is.
package report
