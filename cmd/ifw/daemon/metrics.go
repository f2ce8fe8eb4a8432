package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"time"

	"github.com/ifw/ifw/cmd/ifw/control"
)

// serveMetrics exposes Prometheus text-format metrics on the configured
// loopback address until ctx ends.
func (d *Daemon) serveMetrics(ctx context.Context) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		st, err := d.Status(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		writeMetrics(w, st)
	})
	l, err := net.Listen("tcp", d.cfg.Metrics.Listen)
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("metrics: %w", err)
	}
	return nil
}

// writeMetrics renders the status as Prometheus metrics.
func writeMetrics(w io.Writer, st *control.Status) {
	metric := func(name, help, typ string) { fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ) }
	metric("ifw_collector_lines_total", "Lines or messages read by a collector.", "counter")
	for _, c := range st.Collectors {
		fmt.Fprintf(w, "ifw_collector_lines_total{collector=%q,type=%q} %d\n", c.Name, c.Type, c.Stats.Lines)
	}
	for _, m := range []struct {
		name, help string
		get        func(control.CollectorStatus) uint64
	}{
		{"ifw_collector_packets_total", "Firewall packets handed on.", func(c control.CollectorStatus) uint64 { return c.Stats.Packets }},
		{"ifw_collector_malformed_total", "Malformed firewall lines.", func(c control.CollectorStatus) uint64 { return c.Stats.Malformed }},
		{"ifw_collector_dropped_total", "Records lost before ifw saw them.", func(c control.CollectorStatus) uint64 { return c.Stats.Dropped }},
		{"ifw_collector_restarts_total", "Collector restarts.", func(c control.CollectorStatus) uint64 { return c.Stats.Restarts }},
	} {
		metric(m.name, m.help, "counter")
		for _, c := range st.Collectors {
			fmt.Fprintf(w, "%s{collector=%q} %d\n", m.name, c.Name, m.get(c))
		}
	}
	metric("ifw_alert_latency_seconds", "Packet to alert stored, recent samples.", "summary")
	for _, c := range st.Collectors {
		if c.Latency != nil {
			fmt.Fprintf(w, "ifw_alert_latency_seconds{collector=%q,quantile=\"0.5\"} %g\n", c.Name, c.Latency.P50ms/1000)
			fmt.Fprintf(w, "ifw_alert_latency_seconds{collector=%q,quantile=\"0.99\"} %g\n", c.Name, c.Latency.P99ms/1000)
		}
	}
	writeEngineMetrics(w, st, metric)
	writeSensorMetrics(w, st.LogServer, metric)
	writeActionMetrics(w, st.Actions, metric)
	writeBlockMetrics(w, st.Blocking, metric)
}

func writeEngineMetrics(w io.Writer, st *control.Status, metric func(name, help, typ string)) {
	metric("ifw_sources_tracked", "Sources the engine tracks.", "gauge")
	fmt.Fprintf(w, "ifw_sources_tracked %d\n", st.Engine.Sources)
	metric("ifw_alerts_stored_total", "Alerts written to the store.", "counter")
	fmt.Fprintf(w, "ifw_alerts_stored_total %d\n", st.Pipeline.Stored)
	metric("ifw_alerts_failed_total", "Alerts the store refused.", "counter")
	fmt.Fprintf(w, "ifw_alerts_failed_total %d\n", st.Pipeline.StoreFailed)
	metric("ifw_attackers", "Attackers per danger level.", "gauge")
	per := map[int]int{}
	for _, a := range st.Attackers {
		per[a.Level]++
	}
	levels := make([]int, 0, len(per))
	for l := range per {
		levels = append(levels, l)
	}
	sort.Ints(levels)
	for _, l := range levels {
		fmt.Fprintf(w, "ifw_attackers{level=\"%d\"} %d\n", l, per[l])
	}
}
