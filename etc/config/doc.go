// Package config reads ifw.conf: the one place that knows its sections
// and keys. Every [section], the fixed ones and the typed [source NAME]
// and [action NAME], is read by the same mechanism: a table of its keys,
// each key parsed into its field of the Config, then the owning package's
// Validate (signatures.Config, block.Config, verdict.Config, script.Config…)
// run over the result, so each limit is written once, where the value is
// used. Every error is an *etc.ConfigError placed at the file, line,
// section and key it is about; a key the table does not hold, a section
// ifw does not know, a section or key written twice, are refused there.
//
// Load only reads ifw.conf: it opens no other file and starts nothing.
// The files a configuration names (signatures, auto_dl, whitelist,
// outbound rules) are read by Detect.LoadLists and Config.Check, bounded
// in size, so that a wrong path such as /dev/zero fails at once; Check and
// Action.Build also make the actions as the daemon does (a script's
// program found and checked, a syslog connection opened and closed).
//
// Nothing below cmd imports this package: library packages take their
// own Config values, and their Validate errors are *etc.ConfigError so
// that this reader can place them.
package config
