package daemon

import (
	"fmt"
	"io"

	"github.com/ifw/ifw/cmd/ifw/control"
)

// writeSensorMetrics renders a log server's sensors: how many, and the
// packets that could not be keyed by their host. No metric per sensor:
// host names come from the network, and each would be a series.
func writeSensorMetrics(w io.Writer, l *control.LogServerStatus, metric func(name, help, typ string)) {
	if l == nil {
		return
	}
	metric("ifw_log_server_sensors", "Hosts a log server keeps apart now.", "gauge")
	fmt.Fprintf(w, "ifw_log_server_sensors %d\n", l.Sensors)
	metric("ifw_log_server_unkeyed_packets_total", "Packets judged as this host's: a new host past log_server_sensors, or no host name.", "counter")
	fmt.Fprintf(w, "ifw_log_server_unkeyed_packets_total{why=\"refused\"} %d\n", l.Refused)
	fmt.Fprintf(w, "ifw_log_server_unkeyed_packets_total{why=\"invalid\"} %d\n", l.Invalid)
	metric("ifw_log_server_sensors_expired_total", "Idle sensors forgotten to make room.", "counter")
	fmt.Fprintf(w, "ifw_log_server_sensors_expired_total %d\n", l.Expired)
}
