package procs

import (
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// benchListener accepts and holds connections until the benchmark ends.
func benchListener(b *testing.B) net.Listener {
	b.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	must(b, err)
	b.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = c.Read(make([]byte, 1)); _ = c.Close() }()
		}
	}()
	return ln
}

// dialTuple connects to ln: the connection and its tuple.
func dialTuple(b testing.TB, ln net.Listener) (*net.TCPConn, Tuple) {
	c, err := net.Dial("tcp4", ln.Addr().String())
	must(b, err)
	tc := c.(*net.TCPConn)
	return tc, Tuple{Proto: ProtoTCP, Src: tc.LocalAddr().(*net.TCPAddr).AddrPort(), Dst: tc.RemoteAddr().(*net.TCPAddr).AddrPort()}
}

// drop closes c with a reset: no TIME_WAIT to run out of ports.
func drop(c *net.TCPConn) {
	_ = c.SetLinger(0)
	_ = c.Close()
}

// openFiles holds n more descriptors for the benchmark's length, as a
// busy process (a browser) has.
func openFiles(b *testing.B, n int) {
	for range n {
		f, err := os.Open(os.DevNull)
		must(b, err)
		b.Cleanup(func() { _ = f.Close() })
	}
}

func benchLookupNew(b *testing.B, extraFDs int) {
	f := newTestFinder(b, Config{}, false)
	ln := benchListener(b)
	openFiles(b, extraFDs)
	b.ReportAllocs()
	// ns/op includes the dial and close; lookup-ns/op is Lookup alone
	// (StopTimer would stop the world twice per iteration and skew it).
	var took time.Duration
	for b.Loop() {
		c, tuple := dialTuple(b, ln)
		start := time.Now()
		own, err := f.Lookup(tuple)
		took += time.Since(start)
		if err != nil || own.Process.PID != os.Getpid() {
			b.Fatalf("Lookup(%s) = %+v, %v", tuple, own, err)
		}
		drop(c)
	}
	st := f.Stats()
	b.ReportMetric(float64(st.FDsRead)/float64(st.Lookups), "fds/op")
	b.ReportMetric(float64(took.Nanoseconds())/float64(st.Lookups), "lookup-ns/op")
}

// BenchmarkLookupHot: a new connection each time, of a process that made
// connections before (the usual case): a cache miss, a scan of one
// process.
func BenchmarkLookupHot(b *testing.B) { benchLookupNew(b, 0) }

// BenchmarkLookupHotManyFDs: the same, from a process with 1000 open
// descriptors.
func BenchmarkLookupHotManyFDs(b *testing.B) { benchLookupNew(b, 1000) }

// BenchmarkLookupCached: the same connection again: a cache hit.
func BenchmarkLookupCached(b *testing.B) {
	f := newTestFinder(b, Config{}, false)
	c, tuple := dialTuple(b, benchListener(b))
	defer drop(c)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Lookup(tuple); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSockDiag: the exact sock_diag lookup alone.
func BenchmarkSockDiag(b *testing.B) {
	f := newTestFinder(b, Config{}, false)
	c, tuple := dialTuple(b, benchListener(b))
	defer drop(c)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.socketOf(tuple, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookupParallel: workers each dialling new connections and
// looking them up, as NFQUEUE workers would; ns/op includes the dial.
func BenchmarkLookupParallel(b *testing.B) {
	f := newTestFinder(b, Config{}, false)
	ln := benchListener(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c, tuple := dialTuple(b, ln)
			if _, err := f.Lookup(tuple); err != nil {
				b.Error(err)
			}
			drop(c)
		}
	})
}

// BenchmarkDial is the cost of dialling and dropping alone, to subtract
// from BenchmarkLookupParallel.
func BenchmarkDial(b *testing.B) {
	ln := benchListener(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c, _ := dialTuple(b, ln)
			drop(c)
		}
	})
}

// benchLookupChild looks up the connection of a new helper process each
// time: one started since the last refresh (fresh), or one the table
// knows but that never held a looked-up socket (known). ns/op includes
// starting the process; lookup-ns/op is Lookup alone. A CPU that sat
// idle while the helper started makes its first system calls up to a
// hundred times slower (this VM: 2.6 µs to read /proc/self/stat warm,
// 50-250 µs after 100 ms idle): a few lookups of the benchmark's own
// connection first warm it, as a busy verdict path is. What remains is
// mostly the kernel's first look at a new process: its /proc entries are
// instantiated on first access (about 50 µs here for stat, exe and fd).
func benchLookupChild(b *testing.B, known bool) {
	benchChild(b, newTestFinder(b, Config{NoEvents: true}, false), known, false)
}

// benchChild is benchLookupChild with f; ahead waits for each helper to
// be read ahead (process events) before it connects.
func benchChild(b *testing.B, f *Finder, known, ahead bool) {
	ln := benchListener(b)
	own, ownTuple := dialTuple(b, ln)
	defer drop(own)
	exe := selfExe(b)
	var took time.Duration
	var lookups, scans, fds uint64
	for b.Loop() {
		h := spawnHolder(b, exe, "wait tcp "+ln.Addr().String())
		if known {
			must(b, f.refresh())
		}
		for ahead && f.dirs.get(h.cmd.Process.Pid) == nil {
			time.Sleep(100 * time.Microsecond)
		}
		_, err := io.WriteString(h.stdin, "go\n")
		must(b, err)
		h.connected(b)
		for range 20 {
			_, _ = f.Lookup(ownTuple)
		}
		lookups++
		before := f.Stats()
		start := time.Now()
		own, err := f.Lookup(Tuple{Proto: ProtoTCP, Src: h.local, Dst: ln.Addr().(*net.TCPAddr).AddrPort()})
		took += time.Since(start)
		if err != nil || own.Process.PID != h.cmd.Process.Pid {
			b.Fatalf("Lookup = %+v, %v; want pid %d", own, err, h.cmd.Process.Pid)
		}
		after := f.Stats()
		scans += after.FDScans - before.FDScans
		fds += after.FDsRead - before.FDsRead
		h.stop()
	}
	b.ReportMetric(float64(took.Nanoseconds())/float64(lookups), "lookup-ns/op")
	b.ReportMetric(float64(scans)/float64(lookups), "scans/op")
	b.ReportMetric(float64(fds)/float64(lookups), "fds/op")
}

// BenchmarkLookupNewProcess: the first connection of a process started
// since the last refresh, without process events (a listing of /proc).
func BenchmarkLookupNewProcess(b *testing.B) { benchLookupChild(b, false) }

// BenchmarkLookupNewProcessEvents: the same with the process events, the
// process read ahead as it ran its program (skipped without the process
// connector).
func BenchmarkLookupNewProcessEvents(b *testing.B) {
	f := newTestFinder(b, Config{}, true)
	if f.events == nil {
		b.Skip("no process connector here")
	}
	benchChild(b, f, false, true)
}

// BenchmarkLookupIdleProcess: the first connection of a process the
// table knows (started before the last refresh).
func BenchmarkLookupIdleProcess(b *testing.B) { benchLookupChild(b, true) }

// benchScanNew times the scan of a new helper process's descriptors
// for its socket, the helper read ahead (pinned) as it ran its program:
// with how scanNew (the descriptor its executable's last new process
// used, then the low ones, by name), or scanAll (a listing of the
// descriptor directory, which makes procfs build an entry for each).
// scan-ns/op is the scan alone. Skipped without the process connector.
func benchScanNew(b *testing.B, how scanHow) {
	f := newTestFinder(b, Config{}, true)
	if f.events == nil {
		b.Skip("no process connector here")
	}
	ln := benchListener(b)
	own, ownTuple := dialTuple(b, ln)
	defer drop(own)
	exe := selfExe(b)
	var took time.Duration
	var n, fds uint64
	for b.Loop() {
		h := spawnHolder(b, exe, "wait tcp "+ln.Addr().String())
		pid := h.cmd.Process.Pid
		for f.dirs.get(pid) == nil {
			time.Sleep(100 * time.Microsecond)
		}
		_, err := io.WriteString(h.stdin, "go\n")
		must(b, err)
		h.connected(b)
		m, err := f.socketOf(Tuple{Proto: ProtoTCP, Src: h.local, Dst: ln.Addr().(*net.TCPAddr).AddrPort()}, false)
		must(b, err)
		for range 20 { // a warm CPU, as a busy verdict path has (see benchLookupChild)
			_, _ = f.Lookup(ownTuple)
		}
		s := newScratch()
		s.reset(uint64(m.Inode))
		before := f.Stats().FDsRead
		start := time.Now()
		p, err := f.try(pid, how, f.table.Load(), s)
		took += time.Since(start)
		if err != nil || p.PID != pid {
			b.Fatalf("try = %+v, %v; want pid %d", p, err, pid)
		}
		n++
		fds += f.Stats().FDsRead - before
		h.stop()
	}
	b.ReportMetric(float64(took.Nanoseconds())/float64(n), "scan-ns/op")
	b.ReportMetric(float64(fds)/float64(n), "fds/op")
}

// BenchmarkScanNewProcess: a new process's descriptors read by name.
func BenchmarkScanNewProcess(b *testing.B) { benchScanNew(b, scanNew) }

// BenchmarkScanNewProcessListing: the same process's descriptor
// directory listed, as before a new process's were read by name.
func BenchmarkScanNewProcessListing(b *testing.B) { benchScanNew(b, scanAll) }

// BenchmarkUserNSCheck is what checking a process's user namespace adds
// to reading it (procInfo, once per process and exe link: a lookup that
// finds the process cached and unchanged does not check again).
func BenchmarkUserNSCheck(b *testing.B) {
	p, err := openProcFS(DefaultProc)
	must(b, err)
	b.Cleanup(func() { _ = p.close() })
	host := p.selfUserNS()
	if host == "" {
		b.Skip("no user namespace link")
	}
	var buf [64]byte
	pid := os.Getpid()
	b.ReportAllocs()
	for b.Loop() {
		if _, other := p.otherUserNS(pid, host, buf[:]); other {
			b.Fatal("own process in another user namespace")
		}
	}
}
