package pgtest

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ifw/ifw/test/testenv"
)

// superuser is the role initdb creates; it may create databases.
const superuser = "ifw"

// Server is one PostgreSQL server a test started.
type Server struct {
	bin    string // the directory of initdb, pg_ctl, postgres
	dir    string // everything of the server: data, socket, log
	cred   *syscall.Credential
	dbs    atomic.Int64
	Socket string        // the directory holding the unix socket
	proc   *exec.Cmd     // the running server; nil when stopped
	exited chan struct{} // closed when its log ends (it exited)
}

// Start makes and starts a new server; it stops and is removed when t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := binDir(t)
	s := &Server{bin: bin}
	s.cred = credential(t)
	dir, err := os.MkdirTemp("", "ifw-pg-")
	if err != nil {
		t.Fatal(err)
	}
	s.dir, s.Socket = dir, filepath.Join(dir, "sock")
	t.Cleanup(func() { s.cleanup(t) })
	for _, d := range []string{dir, filepath.Join(dir, "data"), s.Socket} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, 0o755); err != nil { // clients run as other users too
			t.Fatal(err)
		}
		s.own(t, d)
	}
	if err := os.Chmod(filepath.Join(dir, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	s.run(t, "initdb", "-D", s.data(), "-U", superuser, "-A", "trust", "-E", "UTF8",
		"--locale=C", "--no-sync", "--no-instructions")
	s.Start(t)
	return s
}

func binDir(t testing.TB) string {
	t.Helper()
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(found) == 0 {
		testenv.Missing(t, "needs PostgreSQL (Debian's postgresql package; make deps installs it)")
	}
	sort.Slice(found, func(i, j int) bool { return version(found[i]) > version(found[j]) })
	return filepath.Dir(found[0])
}

// version is the major version in /usr/lib/postgresql/N/bin/initdb.
func version(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// credential is who the server runs as: postgres when we are root.
func credential(t testing.TB) *syscall.Credential {
	t.Helper()
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		testenv.Missing(t, "needs the postgres user (Debian's postgresql package): %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
}

func (s *Server) own(t testing.TB, path string) {
	t.Helper()
	if s.cred == nil {
		return
	}
	if err := os.Chown(path, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
		t.Fatal(err)
	}
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

// run runs one of the server's programs as the server's user.
func (s *Server) run(t testing.TB, prog string, args ...string) {
	t.Helper()
	if err := s.exec(prog, args...); err != nil {
		t.Fatal(err)
	}
}

func (s *Server) exec(prog string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, prog), args...)
	cmd.Dir = s.dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", prog, strings.Join(args, " "), err, out)
	}
	return nil
}

// Start starts the server (again, after Stop) and returns when it accepts
// connections: when its log says so. The server is the test process's
// child with a parent-death signal (SIGQUIT: immediate shutdown), so a test
// binary that is killed or times out does not leave it running.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	log, err := os.OpenFile(filepath.Join(s.dir, "server.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(s.bin, "postgres"), "-D", s.data(),
		"-c", "listen_addresses=", "-c", "unix_socket_directories="+s.Socket, "-c", "fsync=off",
		"-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200")
	cmd.Dir = s.dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGQUIT}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		log.Close()
		t.Fatalf("pgtest: start postgres: %v", err)
	}
	ready := make(chan bool, 1)
	done := make(chan struct{})
	go func() { // copies the log; tells when the server is ready
		defer close(done)
		defer log.Close()
		sc := bufio.NewScanner(stderr)
		told := false
		for sc.Scan() {
			fmt.Fprintln(log, sc.Text())
			if !told && strings.Contains(sc.Text(), "database system is ready to accept connections") {
				ready <- true
				told = true
			}
		}
		if !told {
			ready <- false
		}
	}()
	s.proc, s.exited = cmd, done
	if !<-ready {
		<-done
		_ = cmd.Wait()
		s.proc = nil
		t.Fatalf("pgtest: postgres ended before it was ready; its log:\n%s", s.logTail())
	}
}

// Stop stops the server (fast shutdown: open connections are cut) and
// returns when it is down.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	if err := s.stop(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
}

// stop sends the server sig (SIGINT: fast, SIGQUIT: immediate shutdown)
// and waits for it to end.
func (s *Server) stop(sig syscall.Signal) error {
	if s.proc == nil {
		return nil
	}
	cmd := s.proc
	s.proc = nil
	if err := cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("pgtest: stop postgres: %w", err)
	}
	<-s.exited
	if err := cmd.Wait(); err != nil && sig != syscall.SIGQUIT {
		return fmt.Errorf("pgtest: postgres: %w", err)
	}
	return nil
}

func (s *Server) cleanup(t testing.TB) {
	if err := s.stop(syscall.SIGQUIT); err != nil {
		t.Errorf("pgtest: %v", err)
	}
	if t.Failed() {
		t.Logf("PostgreSQL's log:\n%s", s.logTail())
	}
	if err := os.RemoveAll(s.dir); err != nil {
		t.Errorf("pgtest: %v", err)
	}
}

// logTail is the end of the server's log.
func (s *Server) logTail() []byte {
	log, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
	return tail(log, 4096)
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// URL is the connection string of database db on this server, as the
// superuser: postgres://ifw@/DB?host=SOCKET.
func (s *Server) URL(db string) string {
	u := url.URL{Scheme: "postgres", User: url.User(superuser), Path: "/" + db,
		RawQuery: url.Values{"host": {s.Socket}}.Encode()}
	return u.String()
}

// NewDatabase creates an empty database for one test (or one fleet) and
// returns its URL.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("ifw_%d", s.dbs.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return s.URL(name)
}

// postmasterPID is the server's process id, as a string.
func (s *Server) postmasterPID(t testing.TB) string {
	t.Helper()
	if s.proc == nil {
		t.Fatal("pgtest: the server is stopped")
	}
	return strconv.Itoa(s.proc.Process.Pid)
}
