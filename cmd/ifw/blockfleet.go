package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/alerts/fleet"
	"github.com/ifw/ifw/cmd/ifw/termsafe"
	"github.com/ifw/ifw/etc/config"
)

// fleetBlockView is one active block of the fleet and what each host did
// with it (`ifw block list --fleet`).
type fleetBlockView struct {
	fleet.Block
	Hosts []fleetHostState `json:"hosts"`
}

// fleetHostState is what one host did with a fleet block.
type fleetHostState struct {
	Host   string          `json:"host"`
	State  fleet.HostState `json:"state"`
	Detail string          `json:"detail,omitempty"`
	Time   time.Time       `json:"time"`
}

// runFleetBlocks lists the fleet's active blocks from the fleet's tables
// ([store] url of the configuration at confPath), each with every host's
// state: applied, refused by its never-block guard (and why), failed.
func runFleetBlocks(e env, cmd *cobra.Command, confPath string, asJSON bool) error {
	views, here, err := fleetBlocks(cmd.Context(), confPath)
	return printOr(e, cmd, asJSON, views, err, func(v []fleetBlockView) { writeFleetBlocks(e.stdout, v, here, time.Now()) })
}

func fleetBlocks(ctx context.Context, confPath string) ([]fleetBlockView, string, error) {
	cfg, err := config.Load(confPath, false)
	if err != nil {
		return nil, "", err
	}
	if cfg.Store.URL == "" {
		return nil, "", fmt.Errorf("%s has no [store] url: this host shares no blocks", confPath)
	}
	f, err := fleet.Open(fleet.Config{URL: cfg.Store.URL, Host: cfg.Daemon.Host}, nil)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	rows, err := f.ActiveBlocks(ctx, netip.Prefix{})
	if err != nil {
		return nil, "", err
	}
	recs, err := f.HostRecords(ctx, "", netip.Prefix{}, false)
	if err != nil {
		return nil, "", err
	}
	byID := map[int64][]fleetHostState{}
	for _, r := range recs {
		byID[r.BlockID] = append(byID[r.BlockID], fleetHostState{Host: r.Host, State: r.State, Detail: r.Detail, Time: r.Time})
	}
	views := make([]fleetBlockView, 0, len(rows))
	for _, row := range rows {
		views = append(views, fleetBlockView{Block: row, Hosts: append([]fleetHostState{}, byID[row.ID]...)})
	}
	return views, cfg.Daemon.Host, nil
}

func writeFleetBlocks(w io.Writer, views []fleetBlockView, here string, now time.Time) {
	if len(views) == 0 {
		fmt.Fprintln(w, "no active fleet blocks")
	}
	for _, v := range views {
		left := "permanent"
		if !v.Expires.IsZero() {
			left = fmtDuration(v.Expires.Sub(now)) + " left"
		}
		fmt.Fprintf(w, "%-43s from %-12s DL %d  %-14s %s\n", v.Prefix, termsafe.Field(v.Origin), v.Level, left, termsafe.Field(v.Reason))
		var states []string
		for _, h := range v.Hosts {
			s := termsafe.Field(h.Host)
			if h.Host == here {
				s += " (here)"
			}
			s += " " + string(h.State)
			if h.State != fleet.StateApplied && h.Detail != "" {
				s += ": " + termsafe.Field(h.Detail)
			}
			states = append(states, s)
		}
		fmt.Fprintf(w, "    %s\n", strings.Join(states, "; "))
	}
}
