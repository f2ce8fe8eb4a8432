package nfq

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// inNewNetNS runs fn on a thread of its own in a new network namespace
// (with lo up), which ends with the thread: the kernel's queue code is
// the real one, the host's firewall is not touched.
func inNewNetNS(t *testing.T, fn func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (a network namespace of its own)")
	}
	for _, tool := range []string{"iptables", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread() // never unlocked: the thread ends with the namespace
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			t.Errorf("unshare: %v", err)
			return
		}
		if out, err := exec.Command("ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
			t.Errorf("lo up: %v %s", err, out)
			return
		}
		fn()
	}()
	<-done
}

// queueLine is the kernel's line for queue n in the calling thread's
// namespace ("" when not bound).
func queueLine(n string) string {
	b, _ := os.ReadFile("/proc/thread-self/net/netfilter/nfnetlink_queue")
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == n {
			return l
		}
	}
	return ""
}

// TestQueueRoundTrip: a UDP datagram sent on lo is queued, read with its
// sender's uid and headers, accepted, and delivered; a second reader for
// the same queue is refused by the kernel; Stop ends Read and Close
// unbinds.
func TestQueueRoundTrip(t *testing.T) {
	inNewNetNS(t, func() {
		if out, err := exec.Command("iptables", "-A", "OUTPUT", "-p", "udp", "--dport", "9", "-j", "NFQUEUE", "--queue-num", "7").CombinedOutput(); err != nil {
			t.Fatalf("iptables: %v %s", err, out)
		}
		q, err := Open(Config{Queue: 7, CopyRange: 128, MaxQueueLen: 16, Flags: FlagUIDGID | FlagGSO, RecvBuffer: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		if l := queueLine("7"); l == "" {
			t.Fatal("queue 7 not bound")
		}
		var ke *KernelError
		if q2, err := Open(Config{Queue: 7, CopyRange: 128}); !errors.As(err, &ke) || !errors.Is(err, unix.EPERM) && !errors.Is(err, unix.EBUSY) {
			t.Errorf("second reader: %v", err)
			if q2 != nil {
				q2.Close()
			}
		}
		got := make(chan Packet, 1)
		read := make(chan error, 1)
		go func() {
			read <- q.Read(func(p Packet) {
				p.Payload = append([]byte(nil), p.Payload...)
				got <- p
				if err := q.Verdict(p.ID, Accept, 0, false); err != nil {
					t.Errorf("verdict: %v", err)
				}
			}, func(err error) bool { t.Errorf("read: %v", err); return true })
		}()
		rx := udpSocket(t, true)
		tx := udpSocket(t, false)
		defer unix.Close(rx)
		defer unix.Close(tx)
		if err := unix.Sendto(tx, []byte("ping"), 0, &unix.SockaddrInet4{Port: 9, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			t.Fatal(err)
		}
		var p Packet
		select {
		case p = <-got:
		case <-time.After(5 * time.Second):
			t.Fatalf("no packet read; kernel: %s", queueLine("7"))
		}
		if !p.HasUID || p.UID != uint32(os.Geteuid()) || len(p.Payload) < 28 || p.Payload[0]>>4 != 4 || p.Payload[9] != unix.IPPROTO_UDP {
			t.Errorf("packet %+v", p)
		}
		var buf [16]byte
		if err := unix.SetsockoptTimeval(rx, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Sec: 10}); err != nil {
			t.Fatal(err)
		}
		if n, _, err := unix.Recvfrom(rx, buf[:], 0); err != nil || string(buf[:n]) != "ping" {
			t.Errorf("the accepted datagram: %q %v", buf[:n], err)
		}
		q.Stop()
		if err := <-read; err != nil {
			t.Errorf("Read after Stop: %v", err)
		}
		if err := q.Close(); err != nil {
			t.Error(err)
		}
		if l := queueLine("7"); l != "" {
			t.Errorf("still bound after Close: %s", l)
		}
		if err := q.Verdict(1, Accept, 0, false); !errors.Is(err, ErrClosed) {
			t.Errorf("verdict after Close: %v", err)
		}
	})
}

// udpSocket is a UDP socket on 127.0.0.1, bound to port 9 for rx.
func udpSocket(t *testing.T, rx bool) int {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rx {
		if err := unix.Bind(fd, &unix.SockaddrInet4{Port: 9, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			t.Fatal(err)
		}
	}
	return fd
}

// TestStopBeforeRead: a Stop before Read makes Read return at once.
func TestStopBeforeRead(t *testing.T) {
	inNewNetNS(t, func() {
		q, err := Open(Config{Queue: 1, CopyRange: 64})
		if err != nil {
			t.Fatal(err)
		}
		defer q.Close()
		q.Stop()
		done := make(chan error, 1)
		go func() { done <- q.Read(func(Packet) {}, func(error) bool { return true }) }()
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(time.Minute):
			t.Fatal("Read did not return after Stop")
		}
	})
}
