package config

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ifw/ifw/alerts"
)

// Daemon is the [daemon] section.
type Daemon struct {
	// Database is the alert store's file (alerts.Config.Path).
	Database string
	// Socket is the control socket; SocketGroup the group that may use it.
	Socket, SocketGroup string
	// SaveInterval is how often the engine state and the collectors'
	// positions are saved.
	SaveInterval time.Duration
	// Host names this machine in alerts and reports (the host name).
	Host     string
	LogLevel slog.Level
	// LogServer keys detection by the syslog host of each packet (psad's
	// --log-server): a central ifw reading the forwarded firewall logs of
	// many hosts judges each host's packets apart and stores their
	// alerts under that host's name. Sensors bounds the hosts kept apart.
	LogServer bool
	Sensors   int
}

// DefaultSensors is how many hosts a log server keeps apart by default.
const DefaultSensors = 256

// MaxSensors bounds [daemon] log_server_sensors.
const MaxSensors = 4096

func defaultDaemon(host string) Daemon {
	return Daemon{Database: alerts.DefaultPath, Socket: DefaultSocket, SocketGroup: "ifw",
		SaveInterval: time.Minute, Host: host, LogLevel: slog.LevelInfo, Sensors: DefaultSensors}
}

var daemonKeys = keys[Daemon]{
	"database":      func(v string, d *Daemon) error { return text(v, &d.Database) },
	"socket":        func(v string, d *Daemon) error { return text(v, &d.Socket) },
	"socket_group":  func(v string, d *Daemon) error { return text(v, &d.SocketGroup) },
	"save_interval": func(v string, d *Daemon) error { return duration(v, &d.SaveInterval) },
	"host":          func(v string, d *Daemon) error { return text(v, &d.Host) },
	"log_level":     func(v string, d *Daemon) error { return d.LogLevel.UnmarshalText([]byte(v)) },
	"log_server":    func(v string, d *Daemon) error { return yesNo(v, &d.LogServer) },
	"log_server_sensors": func(v string, d *Daemon) error {
		return intRange(v, 1, MaxSensors, &d.Sensors)
	},
}

func (d *Daemon) validate() error {
	return alerts.Config{Path: d.Database}.Validate()
}

// Metrics is the [metrics] section: the Prometheus endpoint.
type Metrics struct {
	// Listen is the endpoint's loopback address; "" is off.
	Listen string
}

var metricsKeys = keys[Metrics]{
	"listen": func(v string, m *Metrics) error {
		if v != "" && !isLoopbackListen(v) {
			return fmt.Errorf("%q: the metrics endpoint listens on loopback only (127.0.0.1:PORT or [::1]:PORT)", v)
		}
		m.Listen = v
		return nil
	},
}

func isLoopbackListen(v string) bool {
	return strings.HasPrefix(v, "127.0.0.1:") || strings.HasPrefix(v, "[::1]:") || strings.HasPrefix(v, "localhost:")
}
