package procs

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

func FuzzParseStat(f *testing.F) {
	if b, err := os.ReadFile("/proc/self/stat"); err == nil {
		f.Add(b, "self", uint64(1))
	}
	f.Add([]byte(statLine(1, "a) (b", 9)), "x) 1 2 3 (", uint64(1<<63))
	f.Add([]byte("1 ((((((((( S"), ")", uint64(0))
	f.Fuzz(func(t *testing.T, raw []byte, comm string, start uint64) {
		if c, _, err := parseStat(raw); err == nil && !bytes.Contains(raw, c) {
			t.Fatalf("name %q is not from the line", c)
		}
		// A line the kernel would write gives back its name and start
		// time, whatever the name holds.
		if start > 1e19-1 {
			start /= 10
		}
		c, s, err := parseStat([]byte(statLine(4242, comm, start)))
		if err != nil || string(c) != comm || s != start {
			t.Fatalf("parseStat of name %q start %d = %q, %d, %v", comm, start, c, s, err)
		}
	})
}

func FuzzParseStatus(f *testing.F) {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		f.Add(b, uint32(0))
	}
	f.Add([]byte("Uid:\t1\t2\t3\t4\n"), uint32(7))
	f.Fuzz(func(t *testing.T, raw []byte, uid uint32) {
		_, _ = parseStatusUID(raw)
		line := "Name:\tx\nUid:\t" + strconv.FormatUint(uint64(uid), 10) + "\t0\t0\t0\n"
		if got, err := parseStatusUID(append([]byte(line), raw...)); err != nil || got != uid {
			t.Fatalf("parseStatusUID(%q) = %d, %v", line, got, err)
		}
	})
}

func FuzzParseSocketLink(f *testing.F) {
	f.Add([]byte("socket:[123]"), uint64(123))
	f.Add([]byte("anon_inode:[eventpoll]"), uint64(0))
	f.Fuzz(func(t *testing.T, raw []byte, inode uint64) {
		if got, ok := parseSocketLink(raw); ok && (!bytes.HasPrefix(raw, []byte("socket:[")) || !bytes.HasSuffix(raw, []byte("]"))) {
			t.Fatalf("parseSocketLink(%q) = %d: not a socket link", raw, got)
		}
		inode %= 1e19
		if got, ok := parseSocketLink(appendSocketLink(nil, inode)); !ok || got != inode {
			t.Fatalf("round trip of %d = %d, %v", inode, got, ok)
		}
	})
}

// diagSeeds are sock_diag replies: made up, and real ones from this host.
func diagSeeds() [][]byte {
	ap := netip.MustParseAddrPort
	seeds := [][]byte{
		encodeDiag(diagMsg{Family: unix.AF_INET, ID: sockID{Src: ap("198.51.100.1:1"), Dst: ap("203.0.113.1:2")}, UID: 1, Inode: 2}),
		encodeDiag(diagMsg{Family: unix.AF_INET6, ID: sockID{Src: ap("[2001:db8::1]:1"), Dst: ap("[::]:0")}, V6Only: true}),
	}
	c, err := dialPool(1)
	if err != nil {
		return seeds
	}
	defer c.shut()
	for _, fam := range []uint8{unix.AF_INET, unix.AF_INET6} {
		for _, proto := range []uint8{ProtoTCP, ProtoUDP} {
			n := 0
			_ = c.all[0].dump(fam, proto, sockID{}, func(msg []byte) error {
				if n++; n <= 4 {
					seeds = append(seeds, bytes.Clone(msg))
				}
				return nil
			})
		}
	}
	return seeds
}

func FuzzParseDiag(f *testing.F) {
	for _, s := range diagSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := parseDiag(raw)
		if err != nil {
			return
		}
		// What parses encodes back to the same message.
		again, err := parseDiag(encodeDiag(m))
		if err != nil || again != m {
			t.Fatalf("parseDiag(encodeDiag(%+v)) = %+v, %v", m, again, err)
		}
		_ = matchScore(Tuple{Proto: ProtoUDP, Src: m.ID.Src, Dst: m.ID.Dst}, m)
	})
}

func FuzzDirents(f *testing.F) {
	if fd, err := unix.Open("/proc/self/fd", unix.O_RDONLY|unix.O_DIRECTORY, 0); err == nil {
		buf := make([]byte, 4096)
		if n, err := unix.Getdents(fd, buf); err == nil {
			f.Add(buf[:n])
		}
		_ = unix.Close(fd)
	}
	f.Add(dirent("12"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		d := dirents{b: raw}
		for range len(raw) + 1 {
			nameZ, done, err := d.next()
			if err != nil || done {
				return
			}
			if len(nameZ) == 0 || nameZ[len(nameZ)-1] != 0 || bytes.IndexByte(nameZ, 0) != len(nameZ)-1 {
				t.Fatalf("name %q is not NUL-terminated", nameZ)
			}
			_, _ = parsePID(nameZ[:len(nameZ)-1])
		}
		t.Fatal("dirents did not end")
	})
}

// dirent encodes one struct linux_dirent64 named name.
func dirent(name string) []byte {
	n := (direntHeader + len(name) + 1 + 7) &^ 7
	b := make([]byte, n)
	binary.NativeEndian.PutUint16(b[16:], uint16(n))
	copy(b[direntHeader:], name)
	return b
}

func FuzzNextMsg(f *testing.F) {
	for _, s := range diagSeeds() {
		hdr := make([]byte, 16)
		binary.NativeEndian.PutUint32(hdr, uint32(16+len(s)))
		f.Add(append(hdr, s...))
	}
	f.Add([]byte{16, 0, 0, 0, 3, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, raw []byte) {
		// The messages split off are what the datagram holds, in order.
		for b := raw; len(b) > 0; {
			m, rest, err := nextMsg(b)
			if err != nil {
				return
			}
			if len(rest) >= len(b) || len(m.data) > len(b)-16 || (len(m.data) > 0 && &m.data[0] != &b[16]) {
				t.Fatalf("nextMsg(% x) = %+v, %d left", b, m, len(rest))
			}
			_ = nlErrno(m.data, m.typ == 2)
			b = rest
		}
	})
}
