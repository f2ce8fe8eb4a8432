package control

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Bounds of the control socket's connections: one local user opening
// connections in a loop (and sending their bodies slowly) must neither
// exhaust the daemon's memory and descriptors nor shut the others out.
const (
	defaultMaxConns       = 128
	defaultMaxConnsPerUID = 16
	// refusalLogEvery spaces the log lines of refused connections.
	refusalLogEvery = 10 * time.Second
	// maxRefusalUIDs bounds the uids whose refusals are counted apart.
	maxRefusalUIDs = 64
)

// errConnLimit is why a connection was refused at accept.
var errConnLimit = errors.New("too many control socket connections")

// peerListener accepts control-socket connections, reads each one's
// credentials (SO_PEERCRED) at once and closes it, with a short HTTP
// answer, when max connections are open or maxPerUID of its uid. Root is
// never refused: it may do anything anyway, and `ifw status` must work
// while another user floods the socket.
type peerListener struct {
	*net.UnixListener
	max, maxPerUID int
	log            *slog.Logger

	mu        sync.Mutex
	open      int
	byUID     map[uint32]int
	refused   uint64
	refusedBy map[uint32]uint64
	warned    time.Time
}

func newPeerListener(l *net.UnixListener, max, maxPerUID int, log *slog.Logger) *peerListener {
	return &peerListener{UnixListener: l, max: max, maxPerUID: maxPerUID, log: log,
		byUID: map[uint32]int{}, refusedBy: map[uint32]uint64{}}
}

// Accept returns the next admitted connection, a *peerConn.
func (l *peerListener) Accept() (net.Conn, error) {
	for {
		c, err := l.AcceptUnix()
		if err != nil {
			return nil, err
		}
		p, err := credentials(c)
		if err == nil {
			err = l.admit(p.uid)
		}
		if err != nil {
			l.refuse(c, p, err)
			continue
		}
		return &peerConn{UnixConn: c, peer: p, release: func() { l.release(p.uid) }}, nil
	}
}

// admit counts a connection of uid in, or says why it may not be.
func (l *peerListener) admit(uid uint32) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if uid != 0 {
		if l.open >= l.max {
			return fmt.Errorf("%w (%d)", errConnLimit, l.max)
		}
		if l.byUID[uid] >= l.maxPerUID {
			return &uidLimitError{uid: uid, max: l.maxPerUID}
		}
	}
	l.open++
	l.byUID[uid]++
	return nil
}

func (l *peerListener) release(uid uint32) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if l.byUID[uid]--; l.byUID[uid] <= 0 {
		delete(l.byUID, uid)
	}
}

// uidLimitError: the uid has its share of the connections open.
type uidLimitError struct {
	uid uint32
	max int
}

func (e *uidLimitError) Error() string {
	return fmt.Sprintf("%v of uid %d (%d)", errConnLimit, e.uid, e.max)
}

func (e *uidLimitError) Unwrap() error { return errConnLimit }

// refuse counts, now and then logs, answers and closes c.
func (l *peerListener) refuse(c *net.UnixConn, p peer, why error) {
	l.mu.Lock()
	l.refused++
	if _, ok := l.refusedBy[p.uid]; ok || len(l.refusedBy) < maxRefusalUIDs {
		l.refusedBy[p.uid]++
	}
	n := l.refused
	now := time.Now()
	logIt := now.Sub(l.warned) >= refusalLogEvery
	if logIt {
		l.warned = now
	}
	l.mu.Unlock()
	if logIt {
		l.log.Warn("control socket connection refused", "uid", p.uid, "pid", p.pid, "err", why, "refused_since_start", n)
	}
	code := http.StatusServiceUnavailable
	var ue *uidLimitError
	if errors.As(why, &ue) {
		code = http.StatusTooManyRequests
	}
	body := fmt.Sprintf("{\"error\": %q}\n", why.Error())
	// A fresh connection's buffer is empty: the answer fits without
	// waiting, and a client that does not read cannot hold Accept.
	_ = c.SetWriteDeadline(now.Add(100 * time.Millisecond))
	_, _ = fmt.Fprintf(c, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s",
		code, http.StatusText(code), len(body), body)
	_ = c.Close()
}

// stats returns the connection counters.
func (l *peerListener) stats() ConnStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := ConnStats{Open: l.open, Max: l.max, MaxPerUID: l.maxPerUID, Refused: l.refused}
	if len(l.refusedBy) > 0 {
		st.RefusedByUID = make(map[uint32]uint64, len(l.refusedBy))
		for u, n := range l.refusedBy {
			st.RefusedByUID[u] = n
		}
	}
	return st
}

// peerConn is an admitted connection with its peer's credentials; Close
// gives its place back.
type peerConn struct {
	*net.UnixConn
	peer    peer
	once    sync.Once
	release func()
}

func (c *peerConn) Close() error {
	c.once.Do(c.release)
	return c.UnixConn.Close()
}

// credentials reads the peer of c (SO_PEERCRED: who connected, as of
// connect).
func credentials(c *net.UnixConn) (peer, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return peer{}, fmt.Errorf("peer credentials: %w", err)
	}
	var cred *unix.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return peer{}, fmt.Errorf("peer credentials: %w", err)
	}
	if credErr != nil {
		return peer{}, fmt.Errorf("peer credentials: %w", credErr)
	}
	return peer{uid: cred.Uid, gid: cred.Gid, pid: cred.Pid}, nil
}
