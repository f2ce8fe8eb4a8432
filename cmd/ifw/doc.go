// Command ifw is the one ifw binary: the offline analyzer (ifw analyze),
// the live daemon (ifw daemon) with its control-socket clients (ifw status)
// and the configuration check (ifw config check). It is the only package
// that knows every concrete part and wires the pipeline — collectors,
// engine, alert store, control socket — from an explicit table of commands
// and an explicit table of collector types.
package main
