package procs

import (
	"net"
	"net/netip"
	"os"
	"sync"
	"testing"
)

func TestLookupConcurrent(t *testing.T) {
	// Workers look up new connections while Run refreshes.
	f := newTestFinder(t, Config{Refresh: MinRefresh, Conns: 2}, true)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	const workers, each = 8, 50
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				c, err := net.Dial("tcp4", ln.Addr().String())
				if err != nil {
					t.Error(err)
					return
				}
				tuple := Tuple{Proto: ProtoTCP,
					Src: c.LocalAddr().(*net.TCPAddr).AddrPort(), Dst: c.RemoteAddr().(*net.TCPAddr).AddrPort()}
				own, err := f.Lookup(tuple)
				if err != nil || own.Process.PID != os.Getpid() {
					t.Errorf("Lookup(%s) = %+v, %v", tuple, own, err)
				}
				_ = c.Close()
			}
		})
	}
	wg.Wait()
	if st := f.Stats(); st.Lookups != workers*each || st.Errors != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestTupleNormalize(t *testing.T) {
	ap := netip.MustParseAddrPort
	cases := []struct {
		name string
		in   Tuple
		want Tuple
		err  error
	}{
		{"ipv4", Tuple{Proto: 6, Src: ap("198.51.100.1:1000"), Dst: ap("203.0.113.5:443")}, Tuple{Proto: 6, Src: ap("198.51.100.1:1000"), Dst: ap("203.0.113.5:443")}, nil},
		{"mapped", Tuple{Proto: 17, Src: ap("[::ffff:198.51.100.1]:1000"), Dst: ap("[::ffff:203.0.113.5]:53")}, Tuple{Proto: 17, Src: ap("198.51.100.1:1000"), Dst: ap("203.0.113.5:53")}, nil},
		{"half mapped", Tuple{Proto: 17, Src: ap("[::ffff:198.51.100.1]:1000"), Dst: ap("203.0.113.5:53")}, Tuple{Proto: 17, Src: ap("198.51.100.1:1000"), Dst: ap("203.0.113.5:53")}, nil},
		{"zone dropped", Tuple{Proto: 6, Src: ap("[fe80::1%eth0]:1000"), Dst: ap("[fe80::2%eth0]:22")}, Tuple{Proto: 6, Src: ap("[fe80::1]:1000"), Dst: ap("[fe80::2]:22")}, nil},
		{"ipv6", Tuple{Proto: 136, Src: ap("[2001:db8::1]:1"), Dst: ap("[2001:db8::2]:2")}, Tuple{Proto: 136, Src: ap("[2001:db8::1]:1"), Dst: ap("[2001:db8::2]:2")}, nil},
		{"mixed", Tuple{Proto: 6, Src: ap("198.51.100.1:1000"), Dst: ap("[2001:db8::2]:2")}, Tuple{}, ErrInvalidTuple},
		{"no dst", Tuple{Proto: 6, Src: ap("198.51.100.1:1000"), Dst: netip.AddrPort{}}, Tuple{}, ErrInvalidTuple},
		{"gre", Tuple{Proto: 47, Src: ap("198.51.100.1:1000"), Dst: ap("203.0.113.5:2")}, Tuple{}, ErrUnsupported},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.in.normalize()
			if c.err != nil {
				if !isErr(err, c.err) {
					t.Fatalf("normalize(%s) error %v, want %v", c.in, err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("normalize(%s) = %s, %v; want %s", c.in, got, err, c.want)
			}
		})
	}
}
