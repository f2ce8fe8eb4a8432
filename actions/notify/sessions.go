package notify

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/ifw/ifw/sources/userdb"
)

// session is a user with a session bus: who to notify, and where.
type session struct {
	uid, gid uint32
	groups   []uint32
	name     string
	home     string
	runtime  string // the user's runtime directory
	bus      string // the session bus socket in it
}

// findSessions lists the users at or above minUID whose runtime directory
// under dir holds a session bus socket; the directory and the socket must
// both belong to the user (a socket someone else put there is skipped).
func findSessions(dir string, minUID uint32, log *slog.Logger) ([]session, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("notify: sessions: %w", err)
	}
	var out []session
	for _, e := range entries {
		uid64, err := strconv.ParseUint(e.Name(), 10, 32)
		if err != nil || uint32(uid64) < minUID {
			continue
		}
		uid := uint32(uid64)
		runtime := filepath.Join(dir, e.Name())
		bus := filepath.Join(runtime, "bus")
		if !ownedBy(runtime, uid, os.ModeDir) || !ownedBy(bus, uid, os.ModeSocket) {
			log.Debug("no session bus of the user's own", "uid", uid, "path", bus)
			continue
		}
		s, err := lookupSession(uid)
		if err != nil {
			log.Warn("session bus of an unknown user skipped", "uid", uid, "err", err)
			continue
		}
		s.runtime, s.bus = runtime, bus
		out = append(out, s)
	}
	return out, nil
}

// ownedBy reports whether path (not followed if a link) has type typ and
// belongs to uid.
func ownedBy(path string, uid uint32, typ os.FileMode) bool {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode().Type() != typ {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Uid == uid
}

// lookupSession reads uid's name, home, primary and supplementary groups.
func lookupSession(uid uint32) (session, error) {
	u, err := userdb.LookupID(strconv.FormatUint(uint64(uid), 10))
	if err != nil {
		return session{}, fmt.Errorf("notify: user %d: %w", uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return session{}, fmt.Errorf("notify: user %d: gid %q: %w", uid, u.Gid, err)
	}
	s := session{uid: uid, gid: uint32(gid), name: u.Username, home: u.HomeDir}
	ids, err := userdb.GroupIDs(u)
	if err != nil {
		return session{}, fmt.Errorf("notify: user %d: groups: %w", uid, err)
	}
	for _, id := range ids {
		if g, err := strconv.ParseUint(id, 10, 32); err == nil && !slices.Contains(s.groups, uint32(g)) {
			s.groups = append(s.groups, uint32(g))
		}
	}
	return s, nil
}

// BusAddress is the D-Bus address of a unix socket path, its value
// escaped as the D-Bus specification says.
func BusAddress(path string) string {
	const plain = "-_/.\\*"
	var b []byte
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte(plain, c) >= 0 {
			b = append(b, c)
		} else {
			b = fmt.Appendf(b, "%%%02x", c)
		}
	}
	return "unix:path=" + string(b)
}
