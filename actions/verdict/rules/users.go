package rules

import (
	"fmt"
	"strconv"

	"github.com/ifw/ifw/sources/userdb"
)

// UserLookup returns the number of a user name. nil means the system's
// user database (sources/userdb.Lookup). Numeric users are never looked up.
type UserLookup func(name string) (uint32, error)

func (u UserLookup) lookup(name string) (uint32, error) {
	if u != nil {
		return u(name)
	}
	return systemUser(name)
}

func systemUser(name string) (uint32, error) {
	pw, err := userdb.Lookup(name)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(pw.Uid, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("user %s: uid %q: %w", name, pw.Uid, err)
	}
	return uint32(n), nil
}
