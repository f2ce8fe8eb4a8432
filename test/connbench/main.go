// Command connbench measures new TCP connections: `connbench serve ADDR`
// accepts and closes connections; `connbench dial ADDR -n N -c C` opens N
// connections from C goroutines and prints their connect latency and rate
// as JSON. The system tests run it in their namespaces to measure what the
// outbound queue adds to a new connection.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"slices"
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
		fmt.Fprintln(os.Stderr, "usage: connbench serve ADDR | dial ADDR [-n N] [-c C]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2])
	case "dial":
		fs := flag.NewFlagSet("dial", flag.ExitOnError)
		n := fs.Int("n", 1000, "connections")
		c := fs.Int("c", 1, "concurrent dialers")
		fs.Parse(os.Args[3:])
		err = dial(os.Args[2], *n, *c)
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "connbench:", err)
		os.Exit(1)
	}
}

func serve(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
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
	took := time.Since(start)
	slices.Sort(lat)
	us := func(q float64) float64 { return float64(lat[int(q*float64(n-1))]) / 1e3 }
	return json.NewEncoder(os.Stdout).Encode(result{Conns: n, Errors: errs.Load(), Seconds: took.Seconds(),
		Rate: float64(n) / took.Seconds(), P50us: us(0.5), P99us: us(0.99), MaxUs: us(1)})
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
