// Command connbench measures new TCP connections: `connbench serve ADDR`
// accepts and closes connections; `connbench dial ADDR -n N -c C` opens N
// connections from C goroutines and prints their connect latency and rate
// as JSON; `connbench spawn ADDR -n N` starts itself N times, one after
// the other, as `connbench once ADDR`, a short-lived program (like curl)
// that makes one connection and prints its connect latency, and prints
// those latencies as dial does; `spawn ADDR -curl PATH` starts curl
// instead and takes its own measure of the connect (time_connect): a C
// program that starts no threads, where a Go program's runtime starts
// several beside its connection. `spawn ADDR -alt ADDR2` alternates the
// programs between the two addresses (ABBA…), so that a path measured
// against another sees the same moments of the machine, and prints
// {"a": …, "b": …}. `connbench reset ADDR` accepts connections and
// resets each at once (RST, no FIN). The system tests run it in their
// namespaces to measure what the outbound queue adds to a new connection,
// of a known process and of one just started.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// result is what dial prints.
type result struct {
	Conns   int     `json:"conns"`
	Errors  int64   `json:"errors"`
	Seconds float64 `json:"seconds"`
	Rate    float64 `json:"conns_per_second"`
	P50us   float64 `json:"p50_us"`
	P99us   float64 `json:"p99_us"`
	MaxUs   float64 `json:"max_us"`
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: connbench serve ADDR | reset ADDR | dial ADDR [-n N] [-c C] | spawn ADDR [-n N] [-curl PATH] [-alt ADDR2] | once ADDR")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2], false)
	case "reset":
		err = serve(os.Args[2], true)
	case "dial":
		fs := flag.NewFlagSet("dial", flag.ExitOnError)
		n := fs.Int("n", 1000, "connections")
		c := fs.Int("c", 1, "concurrent dialers")
		fs.Parse(os.Args[3:])
		err = dial(os.Args[2], *n, *c)
	case "spawn":
		fs := flag.NewFlagSet("spawn", flag.ExitOnError)
		n := fs.Int("n", 1000, "programs started")
		curl := fs.String("curl", "", "start this curl instead of connbench once")
		alt := fs.String("alt", "", "alternate the programs between ADDR and this address")
		fs.Parse(os.Args[3:])
		err = spawn(os.Args[2], *alt, *n, *curl)
	case "once":
		err = once(os.Args[2])
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "connbench:", err)
		os.Exit(1)
	}
}

// serve accepts connections on addr and closes each at once: with a
// reset when reset is true (SO_LINGER 0), else with a FIN.
func serve(addr string, reset bool) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		if tc, ok := c.(*net.TCPConn); ok && reset {
			tc.SetLinger(0)
		}
		c.Close()
	}
}

func dial(addr string, n, c int) error {
	lat := make([]time.Duration, n)
	var next, errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				lat[i] = connectOnce(addr, &errs)
			}
		}()
	}
	wg.Wait()
	return report(lat, errs.Load(), time.Since(start))
}

// report prints the latencies lat of connections made in took.
func report(lat []time.Duration, errs int64, took time.Duration) error {
	return json.NewEncoder(os.Stdout).Encode(summary(lat, errs, took))
}

// summary is the result of the latencies lat of connections made in took.
func summary(lat []time.Duration, errs int64, took time.Duration) result {
	n := len(lat)
	slices.Sort(lat)
	us := func(q float64) float64 { return float64(lat[int(q*float64(n-1))]) / 1e3 }
	return result{Conns: n, Errors: errs, Seconds: took.Seconds(),
		Rate: float64(n) / took.Seconds(), P50us: us(0.5), P99us: us(0.99), MaxUs: us(1)}
}

// spawn starts `connbench once addr` (or curl) n times, one after the
// other, and reports the connect latencies they measured; a program that
// fails counts as an error. With alt, 2n programs alternate between addr
// (a) and alt (b) in the order ABBA ABBA…, and both are reported.
func spawn(addr, alt string, n int, curl string) error {
	run := onceSelf
	if curl != "" {
		run = onceCurl
	}
	prog := curl
	if prog == "" {
		self, err := os.Executable()
		if err != nil {
			return err
		}
		prog = self
	}
	addrs := []string{addr}
	if alt != "" {
		addrs = append(addrs, alt)
	}
	lat := make([][]time.Duration, len(addrs))
	errs := make([]int64, len(addrs))
	start := time.Now()
	for i := range n * len(addrs) {
		k := i % len(addrs)
		if (i/len(addrs))%2 == 1 { // ABBA: neither goes first each time
			k = len(addrs) - 1 - k
		}
		d, err := run(prog, addrs[k])
		if err != nil {
			errs[k]++
			continue
		}
		lat[k] = append(lat[k], d)
	}
	took := time.Since(start)
	for k, l := range lat {
		if len(l) == 0 {
			return fmt.Errorf("no program connected to %s", addrs[k])
		}
	}
	if alt == "" {
		return report(lat[0], errs[0], took)
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]result{
		"a": summary(lat[0], errs[0], took), "b": summary(lat[1], errs[1], took)})
}

// onceSelf runs `self once addr`: the connect latency it printed.
func onceSelf(self, addr string) (time.Duration, error) {
	out, err := exec.Command(self, "once", addr).Output()
	if err != nil {
		return 0, err
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	return time.Duration(ns), err
}

// onceCurl runs curl on http://addr/ and returns its time_connect (from
// its start to the connection's completion, in microseconds). The
// server closes without answering, so curl fails after connecting (an
// empty reply or a reset): only a connect that did not complete is an
// error.
func onceCurl(curl, addr string) (time.Duration, error) {
	out, _ := exec.Command(curl, "-s", "-o", "/dev/null", "--max-time", "5",
		"-w", "%{time_connect}", "http://"+addr+"/").Output()
	s, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil || s <= 0 {
		return 0, fmt.Errorf("curl %s: no connection (%q)", addr, out)
	}
	return time.Duration(s * 1e6 * float64(time.Microsecond)), nil
}

// once makes one connection and prints its connect latency in
// nanoseconds.
func once(addr string) error {
	var errs atomic.Int64
	d := connectOnce(addr, &errs)
	if errs.Load() != 0 {
		return fmt.Errorf("connect to %s failed", addr)
	}
	_, err := fmt.Println(int64(d))
	return err
}

// connectOnce times one connect and closes with a reset, so that the
// client leaves no TIME_WAIT behind to run out of ports.
func connectOnce(addr string, errs *atomic.Int64) time.Duration {
	t0 := time.Now()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	d := time.Since(t0)
	if err != nil {
		errs.Add(1)
		return d
	}
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
	return d
}
