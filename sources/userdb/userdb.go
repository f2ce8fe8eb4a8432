package userdb

import (
	"errors"
	"fmt"
	"os/user"
	"slices"
	"strconv"
)

// Lookup finds a user by login name. A name no one knows is a
// user.UnknownUserError.
func Lookup(name string) (*user.User, error) { return DB{}.Lookup(name) }

// LookupID finds a user by uid (decimal). A uid no one knows is a
// user.UnknownUserIdError.
func LookupID(uid string) (*user.User, error) { return DB{}.LookupID(uid) }

// LookupGroup finds a group by name. A name no one knows is a
// user.UnknownGroupError.
func LookupGroup(name string) (*user.Group, error) { return DB{}.LookupGroup(name) }

// GroupIDs lists the gids u is a member of, its primary group first.
func GroupIDs(u *user.User) ([]string, error) { return DB{}.GroupIDs(u) }

// Lookup finds a user by login name.
func (d DB) Lookup(name string) (*user.User, error) {
	u, err := user.Lookup(name)
	if !errors.As(err, new(user.UnknownUserError)) {
		return u, err
	}
	return d.passwd(name, err)
}

// LookupID finds a user by uid (decimal).
func (d DB) LookupID(uid string) (*user.User, error) {
	u, err := user.LookupId(uid)
	if !errors.As(err, new(user.UnknownUserIdError)) {
		return u, err
	}
	return d.passwd(uid, err)
}

// passwd asks getent for key; notFound is the error when it does not know
// key either.
func (d DB) passwd(key string, notFound error) (*user.User, error) {
	f, err := d.query("passwd", key)
	if errors.Is(err, errNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", key, err)
	}
	u, ok := parsePasswd(f)
	if !ok {
		return nil, fmt.Errorf("user %s: getent: malformed passwd entry", key)
	}
	return u, nil
}

// parsePasswd reads a passwd entry's fields:
// name:password:uid:gid:gecos:home:shell.
func parsePasswd(f []string) (*user.User, bool) {
	if len(f) != 7 || f[0] == "" || !numeric(f[2]) || !numeric(f[3]) {
		return nil, false
	}
	return &user.User{Username: f[0], Uid: f[2], Gid: f[3], Name: f[4], HomeDir: f[5]}, true
}

// LookupGroup finds a group by name.
func (d DB) LookupGroup(name string) (*user.Group, error) {
	g, err := user.LookupGroup(name)
	if !errors.As(err, new(user.UnknownGroupError)) {
		return g, err
	}
	f, qerr := d.query("group", name)
	if errors.Is(qerr, errNotFound) {
		return nil, err
	}
	if qerr != nil {
		return nil, fmt.Errorf("group %s: %w", name, qerr)
	}
	g, ok := parseGroup(f)
	if !ok {
		return nil, fmt.Errorf("group %s: getent: malformed group entry", name)
	}
	return g, nil
}

// parseGroup reads a group entry's fields: name:password:gid:members.
func parseGroup(f []string) (*user.Group, bool) {
	if len(f) != 4 || f[0] == "" || !numeric(f[2]) {
		return nil, false
	}
	return &user.Group{Name: f[0], Gid: f[2]}, true
}

// GroupIDs lists the gids u is a member of: its primary group, those of
// /etc/group, and those NSS knows (getent initgroups). A failing getent
// leaves the list to the files.
func (d DB) GroupIDs(u *user.User) ([]string, error) {
	ids, err := u.GroupIds()
	if err != nil {
		return nil, err
	}
	more, err := d.query("initgroups", u.Username)
	if err != nil || len(more) == 0 || more[0] != u.Username {
		return ids, nil
	}
	for _, id := range more[1:] {
		if numeric(id) && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// numeric reports whether s is a decimal uid or gid.
func numeric(s string) bool {
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil
}
