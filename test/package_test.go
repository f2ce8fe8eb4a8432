package test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/ifw/ifw/test/testenv"
)

// TestPackage builds the .deb twice (two versions) with `make deb`, checks
// it with lintian, and installs it on a clean Debian system made by
// debootstrap (the host's release, from the host's mirror): every file and
// owner, the ifw group, `ifw --version`, `ifw config check`, bash
// completion, `man ifw`, systemd-analyze verify, `ifw setup` in a network
// namespace of the test's own, an upgrade over itself that keeps an edited
// conffile, a boot of the system under systemd-nspawn that runs ifw.service
// with every action (bootPackage), and a purge that leaves nothing: no
// file, no group, no firewall rule, no ipset.
//
// The Debian system lives in a temp dir; every command in it runs chrooted
// inside the test's network namespace, so neither the install nor `ifw
// setup` nor the purge's `ifw setup --remove` touches the host's firewall.
func TestPackage(t *testing.T) {
	testenv.Root(t)
	testenv.Tool(t, "debootstrap", "lintian", "dpkg-deb", "unshare", "chroot", "make")
	work := t.TempDir()

	base := make(chan error, 1)
	root := filepath.Join(work, "debian")
	go func() { base <- debootstrap(root) }()

	v1, v2 := "1.0~pkgtest1", "1.0~pkgtest2"
	deb1 := makeDeb(t, work, v1)
	deb2 := makeDeb(t, work, v2)
	lintianClean(t, deb1)
	listing := debListing(t, deb1)
	checkConffiles(t, deb1)

	if err := <-base; err != nil {
		t.Fatalf("debootstrap: %v", err)
	}
	ns := testenv.NewNetNS(t, "pkg")
	sys := &chrootSys{t: t, root: root, ns: ns}
	before := sys.tree()

	copyFile(t, deb1, filepath.Join(root, "tmp", filepath.Base(deb1)))
	copyFile(t, deb2, filepath.Join(root, "tmp", filepath.Base(deb2)))
	out := sys.run("apt-get", "install", "-y", "/tmp/"+filepath.Base(deb1))
	if !strings.Contains(out, "Next: sudo ifw setup && sudo systemctl enable --now ifw") {
		t.Errorf("the install does not say the next two commands:\n%s", out)
	}

	t.Run("files", func(t *testing.T) { sys.t = t; checkInstalled(t, root, listing) })
	t.Run("group", func(t *testing.T) {
		if !hasGroup(t, root, "ifw") {
			t.Error("no group ifw after the install")
		}
	})
	t.Run("commands", func(t *testing.T) {
		sys.t = t
		if out := sys.run("ifw", "--version"); !strings.Contains(out, v1) {
			t.Errorf("ifw --version = %q, want version %s", out, v1)
		}
		sys.run("ifw", "config", "check")
		out := sys.run("bash", "-c", `. /usr/share/bash-completion/bash_completion
			_completion_loader ifw
			COMP_WORDS=(ifw bl); COMP_CWORD=1; COMP_LINE="ifw bl"; COMP_POINT=6
			$(complete -p ifw | sed -E 's/.* -F ([^ ]+) .*/\1/') ifw bl ifw
			printf '%s\n' "${COMPREPLY[@]}"`)
		if !slices.Contains(strings.Fields(out), "block") {
			t.Errorf("bash completion of `ifw bl` = %q, want block", out)
		}
		if out := sys.run("man", "-P", "cat", "ifw"); !strings.Contains(out, "ifw-block(8)") {
			t.Errorf("man ifw does not list ifw-block(8):\n%s", out)
		}
		if out := sys.run("man", "-P", "cat", "ifw-setup"); !strings.Contains(out, "--remove") {
			t.Errorf("man ifw-setup does not show --remove:\n%s", out)
		}
		sys.run("systemd-analyze", "verify", "ifw.service", "ifw-report.service", "ifw-report.timer")
		for _, l := range strings.Split(sys.runOK("systemd-analyze", "security", "--offline=yes",
			"/usr/lib/systemd/system/ifw.service"), "\n") {
			if strings.Contains(l, "✗") || strings.Contains(l, "Overall exposure") {
				t.Logf("systemd-analyze security: %s", strings.Join(strings.Fields(l), " "))
			}
		}
	})
	t.Run("setup", func(t *testing.T) {
		sys.t = t
		sys.run("ifw", "setup")
		if rules := sys.run("iptables-save"); !strings.Contains(rules, "ifw") {
			t.Errorf("ifw setup installed no rule:\n%s", rules)
		}
		if sets := sys.run("ipset", "list", "-n"); !strings.Contains(sets, "ifw") {
			t.Errorf("ifw setup made no ipset: %q", sets)
		}
	})
	t.Run("upgrade", func(t *testing.T) {
		sys.t = t
		conf := filepath.Join(root, "etc/ifw/ifw.conf")
		edited := readFile(t, conf) + "\n# edited by the admin\n"
		writeFile(t, conf, edited)
		sys.run("apt-get", "install", "-y", "/tmp/"+filepath.Base(deb2))
		if got := readFile(t, conf); got != edited {
			t.Error("the upgrade did not keep the edited /etc/ifw/ifw.conf")
		}
		if out := sys.run("ifw", "--version"); !strings.Contains(out, v2) {
			t.Errorf("after the upgrade ifw --version = %q, want %s", out, v2)
		}
	})
	t.Run("boot", func(t *testing.T) {
		sys.t = t
		bootPackage(t, sys)
	})
	// What booting made that is the system's own (a random seed, the
	// journal's catalog) is not the package's to remove; anything named
	// ifw is.
	for p := range sys.tree() {
		if !strings.Contains(p, "ifw") {
			before[p] = true
		}
	}
	t.Run("purge", func(t *testing.T) {
		sys.t = t
		// A configuration broken meanwhile must not keep ifw's rules in.
		conf := filepath.Join(root, "etc/ifw/ifw.conf")
		writeFile(t, conf, readFile(t, conf)+"\n[block\n")
		if _, err := sys.command("ifw", "config", "check").CombinedOutput(); err == nil {
			t.Fatal("ifw config check passes a broken ifw.conf")
		}
		sys.run("apt-get", "purge", "-y", "ifw")
		if hasGroup(t, root, "ifw") {
			t.Error("group ifw is left after the purge")
		}
		if rules := sys.run("iptables-save"); strings.Contains(rules, "ifw") {
			t.Errorf("ifw rules left after the purge:\n%s", rules)
		}
		if sets := strings.TrimSpace(sys.run("ipset", "list", "-n")); sets != "" {
			t.Errorf("ipsets left after the purge: %q", sets)
		}
		after := sys.tree()
		for p := range after {
			if !before[p] && !strings.HasPrefix(p, "/tmp/") {
				t.Errorf("left after the purge: %s", p)
			}
		}
	})
}

// debootstrap makes a minimal Debian system of the host's release in dir,
// with what a real install has: systemd (sysusers, tmpfiles,
// systemd-analyze), man-db, bash-completion, and the firewall tools the
// package recommends, so that the install itself needs no network.
//
// IFW_TEST_DEBIAN_TAR=FILE (a tar of such a system, for quick reruns while
// working on the package) is unpacked instead.
func debootstrap(dir string) error {
	if tar := os.Getenv("IFW_TEST_DEBIAN_TAR"); tar != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if out, err := exec.Command("tar", "-C", dir, "-xpf", tar).CombinedOutput(); err != nil {
			return fmt.Errorf("tar %s: %w\n%s", tar, err, out)
		}
		return nil
	}
	suite, mirror := hostRelease()
	cmd := exec.Command("debootstrap", "--variant=minbase",
		"--include=systemd,procps,man-db,bash-completion,iptables,ipset,passwd,dbus-daemon,dbus-session-bus-common,exim4-daemon-light", suite, dir, mirror)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("debootstrap %s %s: %w\n%s", suite, mirror, err, tail(out, 2000))
	}
	return nil
}

// hostRelease is the host's Debian suite (VERSION_CODENAME, default
// bookworm) and the first Debian archive its apt sources use (a deb822
// "URIs:" line or a one-line "deb" entry, comments skipped; default
// deb.debian.org).
func hostRelease() (suite, mirror string) {
	suite, mirror = "bookworm", "http://deb.debian.org/debian"
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		if m := regexp.MustCompile(`(?m)^VERSION_CODENAME=(\w+)`).FindSubmatch(b); m != nil {
			suite = string(m[1])
		}
	}
	lists, _ := filepath.Glob("/etc/apt/sources.list.d/*.list")
	sources, _ := filepath.Glob("/etc/apt/sources.list.d/*.sources")
	uri := regexp.MustCompile(`^(?:URIs:\s*|deb\s+(?:\[[^]]*\]\s+)?)(https?://\S+/debian)/?(?:\s|$)`)
	for _, f := range append(append([]string{"/etc/apt/sources.list"}, lists...), sources...) {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			if m := uri.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
				return suite, m[1]
			}
		}
	}
	return suite, mirror
}

// makeDeb runs `make deb` with version v into a build dir of the test's.
func makeDeb(t *testing.T, work, v string) string {
	t.Helper()
	build := filepath.Join(work, "build-"+v)
	cmd := exec.Command("make", "--no-print-directory", "-C", "..", "deb",
		"BUILDDIR="+build, "BIN="+filepath.Join(build, "ifw"), "DEB_VERSION="+v)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make deb: %v\n%s", err, tail(out, 4000))
	}
	debs, _ := filepath.Glob(filepath.Join(build, "ifw_"+v+"_*.deb"))
	if len(debs) != 1 {
		t.Fatalf("make deb made %v, want one ifw_%s_ARCH.deb", debs, v)
	}
	return debs[0]
}

// lintianClean fails on any lintian error; warnings are logged.
func lintianClean(t *testing.T, deb string) {
	t.Helper()
	out, _ := exec.Command("lintian", "--no-tag-display-limit", deb).CombinedOutput()
	for _, l := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(l, "E: "):
			t.Errorf("lintian: %s", l)
		case strings.HasPrefix(l, "W: "):
			t.Logf("lintian: %s", l)
		}
	}
}

// debEntry is one line of `dpkg-deb -c`.
type debEntry struct{ mode, owner, path string }

// debListing lists the package's files and directories, and checks that
// it has everything the issue names, all owned by root.
func debListing(t *testing.T, deb string) []debEntry {
	t.Helper()
	var list []debEntry
	sc := bufio.NewScanner(strings.NewReader(testenv.Run(t, "dpkg-deb", "-c", deb)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 {
			continue
		}
		e := debEntry{mode: f[0], owner: f[1], path: strings.TrimSuffix(strings.TrimPrefix(f[5], "."), "/")}
		if e.owner != "root/root" {
			t.Errorf("%s is owned by %s, want root/root", e.path, e.owner)
		}
		list = append(list, e)
	}
	want := []string{
		"/usr/bin/ifw",
		"/etc/ifw/ifw.conf", "/etc/ifw/signatures", "/etc/ifw/auto_dl", "/etc/ifw/whitelist", "/etc/ifw/rules",
		"/usr/lib/systemd/system/ifw.service", "/usr/lib/systemd/system/ifw-report.service",
		"/usr/lib/systemd/system/ifw-report.timer",
		"/usr/lib/sysusers.d/ifw.conf", "/usr/lib/tmpfiles.d/ifw.conf",
		"/usr/share/polkit-1/actions/org.ifw.policy", "/etc/xdg/autostart/ifw-applet.desktop",
		"/usr/share/man/man8/ifw.8.gz", "/usr/share/man/man8/ifw-block-flush.8.gz",
		"/usr/share/man/man8/ifw-setup.8.gz",
		"/usr/share/bash-completion/completions/ifw", "/usr/share/zsh/vendor-completions/_ifw",
		"/usr/share/fish/vendor_completions.d/ifw.fish",
		"/usr/share/doc/ifw/README.md", "/usr/share/doc/ifw/copyright", "/usr/share/doc/ifw/changelog.gz",
	}
	for _, w := range want {
		if !slices.ContainsFunc(list, func(e debEntry) bool { return e.path == w }) {
			t.Errorf("the package has no %s", w)
		}
	}
	return list
}

// checkConffiles: every file in /etc is a conffile (an edit survives).
func checkConffiles(t *testing.T, deb string) {
	t.Helper()
	dir := t.TempDir()
	testenv.Run(t, "dpkg-deb", "-e", deb, dir)
	got := strings.Fields(readFile(t, filepath.Join(dir, "conffiles")))
	slices.Sort(got)
	want := []string{"/etc/ifw/auto_dl", "/etc/ifw/ifw.conf", "/etc/ifw/rules", "/etc/ifw/signatures",
		"/etc/ifw/whitelist", "/etc/xdg/autostart/ifw-applet.desktop"}
	if !slices.Equal(got, want) {
		t.Errorf("conffiles = %v, want %v", got, want)
	}
}

// checkInstalled: each file of the package is on the system with the
// package's mode, owned by root.
func checkInstalled(t *testing.T, root string, list []debEntry) {
	for _, e := range list {
		if e.path == "" {
			continue
		}
		fi, err := os.Lstat(filepath.Join(root, e.path))
		if err != nil {
			t.Errorf("installed system: %v", err)
			continue
		}
		if got := fi.Mode().String(); strings.TrimPrefix(got, "d") != strings.TrimPrefix(e.mode, "d") {
			t.Errorf("%s: mode %s, want %s", e.path, got, e.mode)
		}
		if uid, gid := owner(fi); uid != 0 || gid != 0 {
			t.Errorf("%s: owner %d:%d, want root", e.path, uid, gid)
		}
	}
}

// hasGroup reports whether the system in root has group name.
func hasGroup(t *testing.T, root, name string) bool {
	t.Helper()
	for _, l := range strings.Split(readFile(t, filepath.Join(root, "etc/group")), "\n") {
		if strings.HasPrefix(l, name+":") {
			return true
		}
	}
	return false
}

// chrootSys runs commands in the Debian system at root, chrooted, inside
// the network namespace ns, with its own /proc.
type chrootSys struct {
	t    *testing.T
	root string
	ns   *testenv.NetNS
}

func (c *chrootSys) command(argv ...string) *exec.Cmd {
	args := append([]string{"unshare", "--mount", "--pid", "--fork", "--mount-proc=" + filepath.Join(c.root, "proc"),
		"chroot", c.root, "/usr/bin/env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
		"DEBIAN_FRONTEND=noninteractive", "HOME=/root", "TERM=dumb"}, argv...)
	cmd := c.ns.Command(args...)
	cmd.Dir = c.root
	return cmd
}

// run runs argv in the system from its root directory; failing fails the test.
func (c *chrootSys) run(argv ...string) string {
	c.t.Helper()
	cmd := c.command(append([]string{"sh", "-c", `cd / && exec "$@"`, "sh"}, argv...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Fatalf("in the Debian system: %s: %v\n%s", strings.Join(argv, " "), err, tail(out, 4000))
	}
	return string(out)
}

// runOK runs argv and returns its output whatever its exit status.
func (c *chrootSys) runOK(argv ...string) string {
	out, _ := c.command(argv...).CombinedOutput()
	return string(out)
}

// tree is every path of the system but the ones dpkg, apt, man-db and the
// logs keep for themselves and the API file systems.
func (c *chrootSys) tree() map[string]bool {
	c.t.Helper()
	skip := []string{"/proc", "/sys", "/dev", "/run", "/tmp", "/var/lib/dpkg", "/var/lib/apt", "/var/cache",
		"/var/log", "/var/lib/systemd/deb-systemd-helper-enabled", "/var/lib/systemd/deb-systemd-user-helper-enabled"}
	paths := map[string]bool{}
	err := filepath.WalkDir(c.root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := "/" + strings.TrimPrefix(strings.TrimPrefix(p, c.root), "/")
		for _, s := range skip {
			if rel == s || strings.HasPrefix(rel, s+"/") {
				return filepath.SkipDir
			}
		}
		paths[rel] = true
		return nil
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return paths
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// tail is the last n bytes of b, for an error message.
func tail(b []byte, n int) string {
	if len(b) > n {
		return "…" + string(b[len(b)-n:])
	}
	return string(b)
}

// owner is a file's uid and gid.
func owner(fi os.FileInfo) (uid, gid uint32) {
	st := fi.Sys().(*syscall.Stat_t)
	return st.Uid, st.Gid
}
