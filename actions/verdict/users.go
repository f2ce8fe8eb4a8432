package verdict

import (
	"strconv"
	"sync"

	"github.com/ifw/ifw/sources/userdb"
)

// userNames caches uid → login name for questions.
type userNames struct {
	mu    sync.Mutex
	names map[uint32]string
}

func newUserNames() *userNames { return &userNames{names: map[uint32]string{}} }

// name is uid's login name, "" when it has none.
func (u *userNames) name(uid uint32) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	if n, ok := u.names[uid]; ok {
		return n
	}
	n := ""
	if usr, err := userdb.LookupID(strconv.FormatUint(uint64(uid), 10)); err == nil {
		n = usr.Username
	}
	if len(u.names) < 4096 {
		u.names[uid] = n
	}
	return n
}
