package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"
)

func main() {
	lines := flag.Int("lines", 1_000_000, "number of lines to write")
	seed := flag.Uint64("seed", 1, "random seed")
	start := flag.String("start", "2026-11-20T00:00:00Z", "time of the first line")
	perDay := flag.Int("per-day", 1_000_000, "lines per day: a longer log covers a longer time at the same density")
	oneOff := flag.Float64("one-off", 1, "scale the share of lines from one-off sources (noise probes, Mirai, pings, stray segments: 49% at 1; 0.12 gives about 10%, as in issue 18's psad log)")
	flag.Parse()
	t0, err := time.Parse(time.RFC3339, *start)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loggen:", err)
		os.Exit(2)
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	if *oneOff < 0 {
		fmt.Fprintln(os.Stderr, "loggen: -one-off must not be negative")
		os.Exit(2)
	}
	g := newGenerator(rand.New(rand.NewPCG(*seed, *seed^0x9e3779b97f4a7c15)), t0, *lines, *perDay)
	g.scaleOneOff(*oneOff)
	g.run(w)
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "loggen:", err)
		os.Exit(1)
	}
}
