// Package daemon is ifw's running daemon as a library: New wires the
// pipeline — collectors, engine, alert store, actions, blocking, the
// outbound module, the report schedule, metrics — from one checked
// configuration (etc/config), and Run runs it until its context ends,
// then saves the state for the next start.
//
// Why a library and not package main: the daemon is the part of ifw with
// the most moving pieces, and a root binary in network namespaces
// (test/) is a slow and partial way to test them. Built from a config
// value and interfaces, it runs whole in-process in a test: a fake
// collector (sources.Source), a fake kernel for the block sets
// (Options.OpenSets), an idle outbound queue (Options.ServeQueue) and a
// yes-saying polkit (Options.Authority), with a real SQLite store, real
// actions and the real control API on a temporary socket. Everything a
// test replaces is a boundary to the kernel or the system bus.
//
// The daemon is the control API's backend (backend.go, control.Backend);
// the HTTP side, the routes and who may call them live in cmd/ifw/control.
// One goroutine owns the engine (pipeline.go); everything else reaches
// it through pipeline.do. Every goroutine Run starts is stopped when its
// context ends; a collector that fails is restarted by sources.Supervise.
package daemon
