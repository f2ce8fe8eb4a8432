package userdb

import (
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeGetent writes a getent that answers from the shell case body, which
// sees the database as $1 and the key as $3 (after "--" as $2).
func fakeGetent(t *testing.T, body string) DB {
	t.Helper()
	p := filepath.Join(t.TempDir(), "getent")
	script := "#!/bin/sh\n[ \"$2\" = -- ] || exit 9\ncase \"$1 $3\" in\n" + body + "\n*) exit 2;;\nesac\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return DB{Getent: p}
}

const ldap = `"passwd ldapuser"|"passwd 5000") echo 'ldapuser:*:5000:5001:LDAP User:/home/ldapuser:/bin/sh';;
"passwd -dash") echo '-dash:*:5002:5002::/:/bin/sh';;
"group ldapgroup") echo 'ldapgroup:*:6000:ldapuser';;
"initgroups ldapuser") echo 'ldapuser        6000 6001 5001';;
"passwd broken") echo 'broken:*:x:1::/:/bin/sh';;
"passwd failing") exit 1;;`

func TestUserOnlyNSSKnows(t *testing.T) {
	db := fakeGetent(t, ldap)
	for _, key := range []string{"ldapuser", "5000"} {
		var u *user.User
		var err error
		if key == "5000" {
			u, err = db.LookupID(key)
		} else {
			u, err = db.Lookup(key)
		}
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		want := user.User{Username: "ldapuser", Uid: "5000", Gid: "5001", Name: "LDAP User", HomeDir: "/home/ldapuser"}
		if *u != want {
			t.Errorf("%s: got %+v, want %+v", key, *u, want)
		}
	}
	if u, err := db.Lookup("-dash"); err != nil || u.Uid != "5002" {
		t.Errorf("a name starting with a dash: %+v, %v", u, err)
	}
	g, err := db.LookupGroup("ldapgroup")
	if err != nil || *g != (user.Group{Name: "ldapgroup", Gid: "6000"}) {
		t.Errorf("group: %+v, %v", g, err)
	}
	ids, err := db.GroupIDs(&user.User{Username: "ldapuser", Uid: "5000", Gid: "5001"})
	if err != nil || !slices.Equal(ids, []string{"5001", "6000", "6001"}) {
		t.Errorf("groups: %v, %v; want [5001 6000 6001]", ids, err)
	}
}

func TestUnknownStaysUnknown(t *testing.T) {
	db := fakeGetent(t, ldap)
	if _, err := db.Lookup("nobody-at-all"); !errors.As(err, new(user.UnknownUserError)) {
		t.Errorf("user: %v, want a user.UnknownUserError", err)
	}
	if _, err := db.LookupID("4294967000"); !errors.As(err, new(user.UnknownUserIdError)) {
		t.Errorf("uid: %v, want a user.UnknownUserIdError", err)
	}
	if _, err := db.LookupGroup("no-group-at-all"); !errors.As(err, new(user.UnknownGroupError)) {
		t.Errorf("group: %v, want a user.UnknownGroupError", err)
	}
}

func TestGetentFailures(t *testing.T) {
	db := fakeGetent(t, ldap+"\n\"passwd huge\") head -c 100000 /dev/zero;;\n\"passwd slow\") exec sleep 60;;")
	db.timeout = 100 * time.Millisecond
	for _, key := range []string{"broken", "failing", "huge", "slow"} {
		_, err := db.Lookup(key)
		if err == nil || errors.As(err, new(user.UnknownUserError)) {
			t.Errorf("%s: %v, want an error other than unknown user", key, err)
		}
	}
	if _, err := (DB{Getent: filepath.Join(t.TempDir(), "none")}).Lookup("ldapuser"); err == nil {
		t.Error("no getent: found ldapuser")
	}
}

func TestFilesFirst(t *testing.T) {
	db := fakeGetent(t, `*) exit 1;;`) // a getent that always fails
	u, err := db.LookupID("0")
	if err != nil || u.Username != "root" {
		t.Fatalf("uid 0: %+v, %v", u, err)
	}
	if ids, err := db.GroupIDs(u); err != nil || !slices.Contains(ids, "0") {
		t.Errorf("root's groups: %v, %v", ids, err)
	}
}

func TestSystemGetent(t *testing.T) {
	if _, err := os.Stat("/usr/bin/getent"); err != nil {
		t.Skip("no getent")
	}
	if u, err := LookupID("0"); err != nil || u.Username != "root" {
		t.Errorf("uid 0: %+v, %v", u, err)
	}
	if _, err := Lookup("ifw-no-such-user"); !errors.As(err, new(user.UnknownUserError)) {
		t.Errorf("unknown user: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("root:x:0:0:root:/root:/bin/bash")
	f.Add("ldapgroup:*:6000:a,b")
	f.Add("::::::")
	f.Fuzz(func(t *testing.T, line string) {
		fields := strings.Split(line, ":")
		if u, ok := parsePasswd(fields); ok && (u.Username == "" || !numeric(u.Uid) || !numeric(u.Gid)) {
			t.Errorf("passwd %q: %+v", line, u)
		}
		if g, ok := parseGroup(fields); ok && (g.Name == "" || !numeric(g.Gid)) {
			t.Errorf("group %q: %+v", line, g)
		}
	})
}
