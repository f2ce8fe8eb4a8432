package rules

import (
	"errors"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
)

// Validate reports the first thing wrong with r as a *FieldError naming
// the key (errors.Is(err, ErrInvalid)). A valid rule is in canonical form,
// as ParseLine returns it: Add normalises a rule before validating it.
func (r Rule) Validate() error {
	if r.Action < Allow || r.Action > Reject {
		return fieldErr("action", "%v: want allow, deny or reject", r.Action)
	}
	checks := [...]func() error{r.checkExe, r.checkSHA256, r.checkDst, r.checkHost, r.checkPorts, r.checkUser, r.checkLifetime}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (r Rule) checkExe() error {
	path := r.Exe
	if ns, rest, ok := cutForeign(r.Exe); ok {
		if ns == "" || strings.Trim(ns, "0123456789") != "" {
			return fieldErr("exe", "%q: want mnt:NUMBER:/path for a program of another mount namespace", r.Exe)
		}
		path = rest
	}
	switch {
	case r.Exe == "" || r.Exe == UnknownExe:
		return nil
	case r.Exe == "any":
		return fieldErr("exe", `any executable is Exe "" in a Rule (exe=any in a rule line)`)
	case !filepath.IsAbs(path):
		return fieldErr("exe", "%q: want an absolute path, mnt:NS:/path, any or unknown", r.Exe)
	case filepath.Clean(path) != path:
		return fieldErr("exe", "%q is not a clean path (%s)", r.Exe, filepath.Clean(path))
	case strings.IndexByte(r.Exe, 0) >= 0:
		return fieldErr("exe", "%q: NUL byte in path", r.Exe)
	}
	return nil
}

// cutForeign splits the name of a program seen in another mount namespace
// whose file is not the one its path names on the host ("mnt:NS:/path",
// procs.Process.Foreign): no plain path rule matches it, only a rule that
// names the namespace too, or its sha256.
func cutForeign(exe string) (ns, path string, ok bool) {
	rest, ok := strings.CutPrefix(exe, "mnt:")
	if !ok {
		return "", "", false
	}
	ns, path, ok = strings.Cut(rest, ":")
	return ns, path, ok
}

func (r Rule) checkSHA256() error {
	if r.SHA256 == "" {
		return nil
	}
	if r.Exe == UnknownExe {
		return fieldErr("sha256", "never matches with exe=unknown")
	}
	if len(r.SHA256) != 64 || strings.Trim(r.SHA256, "0123456789abcdef") != "" {
		return fieldErr("sha256", "%q: want 64 lowercase hex digits", r.SHA256)
	}
	return nil
}

func (r Rule) checkDst() error {
	p := r.Dst
	switch {
	case p == netip.Prefix{}:
		return nil
	case !p.IsValid():
		return fieldErr("dst", "invalid prefix %v", p)
	case p.Addr().Zone() != "":
		return fieldErr("dst", "%v: zones are not allowed", p)
	case p.Addr().Is4In6():
		return fieldErr("dst", "%v: IPv4-mapped, write the IPv4 network", p)
	case p.Masked() != p:
		return fieldErr("dst", "%v: host bits set (%v)", p, p.Masked())
	}
	return nil
}

func (r Rule) checkHost() error {
	if r.Host == "" {
		return nil
	}
	h := r.Host
	if d, ok := strings.CutPrefix(h, "*."); ok {
		h = d
	}
	if strings.Contains(h, "*") {
		return fieldErr("host", "%q: a wildcard is only \"*.\" before a domain (*.example.com)", r.Host)
	}
	if err := checkHostName(h); err != nil {
		return &FieldError{Key: "host", Err: err}
	}
	return nil
}

// checkHostName accepts a lowercase DNS name that is not an IP address.
func checkHostName(h string) error {
	if _, err := netip.ParseAddr(h); err == nil {
		return errors.New(h + ": an address, write dst=" + h)
	}
	if len(h) > 253 {
		return errors.New("name longer than 253 bytes")
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 {
			return errors.New(strconv.Quote(h) + ": not a host name (empty or overlong label)")
		}
		if strings.Trim(label, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			return errors.New(strconv.Quote(h) + ": not a lowercase host name (letters, digits, - and _)")
		}
	}
	return nil
}

func (r Rule) checkPorts() error {
	switch {
	case r.Ports.Any():
		return nil
	case r.Ports.Lo > r.Ports.Hi:
		return fieldErr("port", "%d-%d: range upside down", r.Ports.Lo, r.Ports.Hi)
	case r.Proto != ProtoAny && !hasPorts(r.Proto):
		return fieldErr("port", "%s has no ports", ProtoName(r.Proto))
	}
	return nil
}

func (r Rule) checkUser() error {
	if r.User == "" {
		if r.UID != 0 {
			return fieldErr("user", "uid %d without a user", r.UID)
		}
		return nil
	}
	if n, err := strconv.ParseUint(r.User, 10, 32); err == nil && uint32(n) != r.UID {
		return fieldErr("user", "%s but uid %d", r.User, r.UID)
	}
	return nil
}

func (r Rule) checkLifetime() error {
	if r.Lifetime > Once {
		return fieldErr("lifetime", "%v: want permanent, session, timed or once", r.Lifetime)
	}
	switch {
	case r.Lifetime == Timed && r.Until.IsZero():
		return fieldErr("until", "a timed rule needs until")
	case r.Lifetime != Timed && !r.Until.IsZero():
		return fieldErr("until", "only timed rules have until (lifetime %v)", r.Lifetime)
	case r.Idle < 0:
		return fieldErr("idle", "%v: negative", r.Idle)
	case r.Lifetime != Session && r.Idle != 0:
		return fieldErr("idle", "only session rules have idle (lifetime %v)", r.Lifetime)
	}
	return nil
}

// normalize puts a rule built by hand into the canonical form Validate
// wants: lowercase sha256 and host, Dst masked and unmapped, times in UTC
// without monotonic reading.
func normalize(r Rule) Rule {
	r.SHA256 = strings.ToLower(r.SHA256)
	r.Host = strings.ToLower(r.Host)
	r.Dst = canonicalPrefix(r.Dst)
	if !r.Until.IsZero() {
		r.Until = r.Until.Round(0).UTC()
	}
	if !r.Created.IsZero() {
		r.Created = r.Created.Round(0).UTC()
	}
	return r
}

// canonicalPrefix masks p and turns IPv4-mapped IPv6 (bits >= 96) into
// IPv4.
func canonicalPrefix(p netip.Prefix) netip.Prefix {
	if !p.IsValid() {
		return p
	}
	a, bits := p.Addr(), p.Bits()
	if a.Is4In6() && bits >= 96 {
		a, bits = a.Unmap(), bits-96
	}
	return netip.PrefixFrom(a.WithZone(""), bits).Masked()
}
