package control

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/test/testenv"
)

// TestControlPeerCredentials: root is served; another user reaching the
// socket (here made world-writable on purpose) is refused by SO_PEERCRED.
func TestControlPeerCredentials(t *testing.T) {
	testenv.Root(t)                              // to act as another user
	dir, err := os.MkdirTemp("", "ifw-control-") // reachable by the other user
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	path := filepath.Join(dir, "ifw.sock")
	s := newServer(path, "ifw-no-such-group", slog.New(slog.DiscardHandler))
	s.handle("GET /v1/ping", actNone, func(*http.Request) (any, error) { return map[string]string{"pong": "yes"}, nil })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitSocket(t, path)
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v without the group, want 0600", st.Mode().Perm())
	}
	var v map[string]string
	if _, err := controlGet(path, "/v1/ping", &v); err != nil || v["pong"] != "yes" {
		t.Fatalf("root: %v %v", err, v)
	}
	os.Chmod(path, 0o666)
	self := filepath.Join(dir, "client.test") // where the other user may run it
	if b, err := os.ReadFile(os.Args[0]); err != nil || os.WriteFile(self, b, 0o755) != nil {
		t.Fatalf("copying the test binary: %v", err)
	}
	cmd := exec.Command(self, "-test.run=TestHelperControlClient")
	cmd.Env = append(os.Environ(), "IFW_HELPER_SOCKET="+path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if !strings.Contains(string(out), "status 403") {
		t.Errorf("nobody was not refused: %v %s", err, out)
	}
}

// TestHelperControlClient is run by TestControlPeerCredentials as another
// user; it prints the status code it gets.
func TestHelperControlClient(t *testing.T) {
	path := os.Getenv("IFW_HELPER_SOCKET")
	if path == "" {
		t.Skip("helper process only")
	}
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return net.Dial("unix", path)
	}}}
	resp, err := c.Get("http://ifw/v1/ping")
	if err != nil {
		fmt.Println("error", err)
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	fmt.Println("status", resp.StatusCode)
}

// waitSocket waits (a minute at most: a guard, not a speed test) until
// the socket answers.
func waitSocket(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		if c, err := net.Dial("unix", path); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no socket at %s", path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestControlSecondDaemon: a live socket is not taken over.
func TestControlSecondDaemon(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ifw.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	if err := removeStaleSocket(path); err == nil || !strings.Contains(err.Error(), "another ifw daemon") {
		t.Errorf("err = %v", err)
	}
}

// testControl starts a control server on a socket in a fresh directory
// others can reach (0755), with the /v1/ping, POST /v1/echo and
// GET /v1/tick routes; tweak may lower its bounds first.
func testControl(t *testing.T, group string, tweak func(*Server)) (*Server, string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "ifw-control-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := newServer(filepath.Join(dir, "ifw.sock"), group, slog.New(slog.DiscardHandler))
	if tweak != nil {
		tweak(s)
	}
	s.handle("GET /v1/ping", actNone, func(*http.Request) (any, error) { return map[string]string{"pong": "yes"}, nil })
	s.handle("POST /v1/echo", actNone, func(r *http.Request) (any, error) {
		var v map[string]string
		return v, decodeBody(r, &v)
	})
	s.stream("GET /v1/tick", actNone, func(w http.ResponseWriter, r *http.Request, _ peer) {
		rc := http.NewResponseController(w)
		io.WriteString(w, "one\n")
		rc.Flush()
		select { // long after the read timeout
		case <-r.Context().Done():
		case <-time.After(20 * s.readTimeout):
			io.WriteString(w, "two\n")
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	waitSocket(t, s.path)
	return s, dir
}

// ownGroup is the name of the test's primary group (the socket's group
// when the test is not root).
func ownGroup(t *testing.T) string {
	t.Helper()
	g, err := user.LookupGroupId(strconv.Itoa(os.Getgid()))
	if err != nil {
		t.Skipf("skipped: own group: %v", err)
	}
	return g.Name
}

// TestControlSlowBody: a client that sends its request's header and then
// trickles (here: stops) its body is cut off by the read timeout, instead
// of holding a connection, a goroutine and its buffers for ever.
func TestControlSlowBody(t *testing.T) {
	s, _ := testControl(t, ownGroup(t), func(s *Server) { s.readTimeout = 200 * time.Millisecond })
	c, err := net.Dial("unix", s.path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "POST /v1/echo HTTP/1.1\r\nHost: ifw\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
	c.SetReadDeadline(time.Now().Add(30 * time.Second)) // a bound for a broken server, not the expectation
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("the server did not end the slow request: %v (read %q)", err, got)
	}
	if st := s.ConnStats(); st.Open != 0 {
		t.Errorf("%d connections still open", st.Open)
	}
}

// TestControlStreamOutlivesReadTimeout: the read timeout is for request
// bodies; a stream (the applet's /v1/events) goes on long after it.
func TestControlStreamOutlivesReadTimeout(t *testing.T) {
	s, _ := testControl(t, ownGroup(t), func(s *Server) { s.readTimeout = 100 * time.Millisecond })
	c, err := net.Dial("unix", s.path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /v1/tick HTTP/1.1\r\nHost: ifw\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "one\ntwo\n" {
		t.Errorf("stream: %d %q, want 200 \"one\\ntwo\\n\" (not cut by the read timeout)", resp.StatusCode, body)
	}
}

// TestControlSocketAppearsFinal: the socket's path never names a socket
// with other permissions than its final ones: the first the directory
// sees of it is its rename into place, and nothing changes its owner or
// mode afterwards (a chown/chmod by path would show as IN_ATTRIB).
func TestControlSocketAppearsFinal(t *testing.T) {
	type want struct {
		group string
		mode  os.FileMode
		gid   int
	}
	cases := []want{{"ifw-no-such-group", 0o600, os.Getegid()}}
	if os.Geteuid() == 0 {
		if g, err := user.LookupGroup("nogroup"); err == nil {
			gid, _ := strconv.Atoi(g.Gid)
			cases = append(cases, want{"nogroup", 0o660, gid})
		}
	}
	for _, w := range cases {
		t.Run(w.group, func(t *testing.T) {
			dir := t.TempDir()
			fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
			if err != nil {
				t.Fatal(err)
			}
			defer unix.Close(fd)
			if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_CREATE|unix.IN_MOVED_TO|unix.IN_ATTRIB); err != nil {
				t.Fatal(err)
			}
			s := newServer(filepath.Join(dir, "ifw.sock"), w.group, slog.New(slog.DiscardHandler))
			l, err := s.listen()
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			var st unix.Stat_t
			if err := unix.Lstat(s.path, &st); err != nil {
				t.Fatal(err)
			}
			if os.FileMode(st.Mode&0o777) != w.mode || st.Uid != uint32(os.Geteuid()) || int(st.Gid) != w.gid {
				t.Errorf("socket %04o %d:%d, want %04o %d:%d", st.Mode&0o777, st.Uid, st.Gid, w.mode, os.Geteuid(), w.gid)
			}
			evs := inotifyEvents(t, fd, "ifw.sock")
			if len(evs) == 0 || evs[0]&unix.IN_MOVED_TO == 0 {
				t.Errorf("socket appeared by %s, want a rename into place", describeMasks(evs))
			}
			for _, m := range evs {
				if m&(unix.IN_ATTRIB|unix.IN_CREATE) != 0 {
					t.Errorf("socket created or changed at its path: %s", describeMasks(evs))
					break
				}
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Errorf("directory holds %d entries, want the socket only", len(ents))
			}
		})
	}
}

// inotifyEvents reads the queued events of fd naming name.
func inotifyEvents(t *testing.T, fd int, name string) []uint32 {
	t.Helper()
	var masks []uint32
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EAGAIN) {
			return masks
		}
		if err != nil {
			t.Fatal(err)
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			nb := buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(ev.Len)]
			if strings.TrimRight(string(nb), "\x00") == name {
				masks = append(masks, ev.Mask)
			}
			off += unix.SizeofInotifyEvent + int(ev.Len)
		}
	}
}

func describeMasks(ms []uint32) string {
	names := map[uint32]string{unix.IN_CREATE: "create", unix.IN_MOVED_TO: "moved-to", unix.IN_ATTRIB: "attrib"}
	var out []string
	for _, m := range ms {
		for bit, n := range names {
			if m&bit != 0 {
				out = append(out, n)
			}
		}
	}
	return "[" + strings.Join(out, " ") + "]"
}

// TestControlSocketDirUnsafe: the daemon refuses a socket directory in
// which another user could swap the path.
func TestControlSocketDirUnsafe(t *testing.T) {
	open := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(open, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(open, 0o777)
	s := newServer(filepath.Join(open, "ifw.sock"), "ifw-no-such-group", slog.New(slog.DiscardHandler))
	if _, err := s.listen(); !errors.Is(err, errSocketDir) {
		t.Errorf("world-writable directory: %v, want errSocketDir", err)
	}
	os.Chmod(open, os.ModeSticky|0o777) // sticky: others cannot rename or remove the socket
	if l, err := s.listen(); err != nil {
		t.Errorf("sticky directory: %v", err)
	} else {
		l.Close()
		os.Remove(s.path)
	}
	if os.Geteuid() != 0 {
		return
	}
	os.Chmod(open, 0o755)
	os.Chown(open, 65534, 65534)
	if _, err := s.listen(); !errors.Is(err, errSocketDir) {
		t.Errorf("directory of uid 65534: %v, want errSocketDir", err)
	}
}

// floodUIDs are the numeric uids the flood tests act as: no user has
// them (the helpers run with syscall credentials, nobody is created).
const (
	floodUID  = 65534   // nobody
	honestUID = 4000001 // a desktop user
	otherUID  = 4000002 // a second flooding user
)

// flooder is a helper process of TestHelperControlFlood, run as uid.
type flooder struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Scanner
}

// startFlooder runs n requests of kind ("slow": a POST whose body never
// comes; else a GET of that path) as uid in group nogroup (the socket's),
// and waits for it to report that all were sent; it holds its
// connections until stopped.
func startFlooder(t *testing.T, dir string, uid uint32, kind string, n int) (*flooder, []string) {
	t.Helper()
	self := filepath.Join(dir, "client.test")
	if _, err := os.Stat(self); err != nil {
		b, err := os.ReadFile(os.Args[0])
		if err != nil || os.WriteFile(self, b, 0o755) != nil {
			t.Fatalf("copying the test binary: %v", err)
		}
	}
	cmd := exec.Command(self, "-test.run=^TestHelperControlFlood$")
	cmd.Env = append(os.Environ(), "IFW_HELPER_SOCKET="+filepath.Join(dir, "ifw.sock"),
		"IFW_HELPER_KIND="+kind, "IFW_HELPER_N="+strconv.Itoa(n))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: 65534}}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f := &flooder{cmd: cmd, stdin: stdin, out: bufio.NewScanner(stdout)}
	t.Cleanup(f.stop)
	var lines []string
	for f.out.Scan() {
		if f.out.Text() == "sent" {
			return f, lines
		}
		lines = append(lines, f.out.Text())
	}
	t.Fatalf("helper as uid %d ended: %v", uid, lines)
	return nil, nil
}

// stop closes the helper's stdin: it closes its connections and exits.
func (f *flooder) stop() {
	if f.stdin != nil {
		f.stdin.Close()
		f.stdin = nil
		f.cmd.Wait()
	}
}

// count counts the lines equal to s.
func count(lines []string, s string) int {
	n := 0
	for _, l := range lines {
		if l == s {
			n++
		}
	}
	return n
}

// waitConns waits until the socket's connection counters satisfy ok.
func waitConns(t *testing.T, s *Server, what string, ok func(ConnStats) bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !ok(s.ConnStats()) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %+v", what, s.ConnStats())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestControlConnectionCaps: a user opening slow-body connections in a
// loop gets its share of the socket only, and another user still gets
// answers; two such users fill the socket, root still gets its status.
func TestControlConnectionCaps(t *testing.T) {
	testenv.Root(t) // to act as other uids
	if _, err := user.LookupGroup("nogroup"); err != nil {
		t.Skip("skipped: no group nogroup")
	}
	s, dir := testControl(t, "nogroup", func(s *Server) {
		s.maxConns, s.maxConnsPerUID, s.readTimeout = 12, 8, time.Hour
	})
	startFlooder(t, dir, floodUID, "slow", 20)
	waitConns(t, s, "uid 65534 beyond its share", func(c ConnStats) bool {
		return c.Open == 8 && c.RefusedByUID[floodUID] == 12
	})
	honest, lines := startFlooder(t, dir, honestUID, "/v1/ping", 1)
	if count(lines, "status 200") != 1 {
		t.Errorf("another user during the flood: %v, want status 200", lines)
	}
	honest.stop()
	waitConns(t, s, "the other user gone", func(c ConnStats) bool { return c.Open == 8 })
	startFlooder(t, dir, otherUID, "slow", 20)
	waitConns(t, s, "the socket full", func(c ConnStats) bool {
		return c.Open == 12 && c.RefusedByUID[otherUID] == 16
	})
	if _, lines := startFlooder(t, dir, honestUID, "/v1/ping", 1); count(lines, "status 503") != 1 {
		t.Errorf("another user with the socket full: %v, want status 503", lines)
	}
	var v map[string]string
	if _, err := controlGet(s.path, "/v1/ping", &v); err != nil || v["pong"] != "yes" {
		t.Errorf("root with the socket full: %v %v", err, v)
	}
}

// TestControlEventsPerUID: one user opening 40 event streams gets its
// share; another user's applet still subscribes.
func TestControlEventsPerUID(t *testing.T) {
	testenv.Root(t) // to act as other uids
	if _, err := user.LookupGroup("nogroup"); err != nil {
		t.Skip("skipped: no group nogroup")
	}
	hub, err := notify.NewHub(notify.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	s, dir := testControl(t, "nogroup", func(s *Server) {
		s.stream("GET /v1/events", actNone, func(w http.ResponseWriter, r *http.Request, p peer) {
			notify.ServeEvents(w, r, hub, p.uid)
		})
	})
	_, lines := startFlooder(t, dir, floodUID, "/v1/events", 40)
	if n := count(lines, "status 200"); n != notify.DefaultMaxSubscribersPerUID {
		t.Errorf("uid 65534 got %d streams, want its share %d: %v", n, notify.DefaultMaxSubscribersPerUID, lines)
	}
	if _, lines := startFlooder(t, dir, honestUID, "/v1/events", 1); count(lines, "status 200") != 1 {
		t.Errorf("another user's applet: %v, want status 200", lines)
	}
	if st := hub.Stats(); st.Refused == 0 || s.ConnStats().Refused == 0 {
		t.Errorf("refusals not counted: hub %+v, socket %+v", st, s.ConnStats())
	}
}

// TestHelperControlFlood is run by the flood tests as another uid: it
// opens IFW_HELPER_N connections, sends each its request, prints each
// answer's status (none for slow bodies), then "sent", and holds them
// until its stdin closes.
func TestHelperControlFlood(t *testing.T) {
	path := os.Getenv("IFW_HELPER_SOCKET")
	if path == "" {
		t.Skip("helper process only")
	}
	kind := os.Getenv("IFW_HELPER_KIND")
	n, _ := strconv.Atoi(os.Getenv("IFW_HELPER_N"))
	var conns []net.Conn
	for range n {
		c, err := net.Dial("unix", path)
		if err != nil {
			fmt.Println("error", err)
			continue
		}
		conns = append(conns, c)
		if kind == "slow" {
			io.WriteString(c, "POST /v1/echo HTTP/1.1\r\nHost: ifw\r\nContent-Length: 1000\r\n\r\n{")
			continue
		}
		io.WriteString(c, "GET "+kind+" HTTP/1.1\r\nHost: ifw\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(time.Minute))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			fmt.Println("error", err)
			continue
		}
		fmt.Println("status", resp.StatusCode)
	}
	fmt.Println("sent")
	io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		c.Close()
	}
}

// controlGet fetches a test route with the package's client.
func controlGet(socket, path string, v any) ([]byte, error) {
	return nil, NewClient(socket).do(context.Background(), http.MethodGet, path, nil, v)
}
