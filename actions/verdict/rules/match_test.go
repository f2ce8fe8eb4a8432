package rules

import (
	"net/netip"
	"testing"
)

const sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func TestSpecificity(t *testing.T) {
	curl := conn("/usr/bin/curl", "203.0.113.2", 80, ProtoTCP)
	curl.SHA256, curl.UID, curl.HasUID = sha, 1000, true
	tests := []struct {
		name  string
		rules []string // added in this order: rule i gets ID i+1
		c     Conn
		want  int // index of the deciding rule; -1: none
	}{
		{"no rules", nil, curl, -1},
		{"exe beats any", []string{"deny exe=any", "allow exe=/usr/bin/curl"}, curl, 1},
		{"exe beats any even with everything else", []string{"deny exe=any sha256=" + sha + " dst=203.0.113.2 port=80 proto=tcp user=alice", "allow exe=/usr/bin/curl"}, curl, 1},
		{"sha beats no sha", []string{"deny exe=/usr/bin/curl dst=203.0.113.2", "allow exe=/usr/bin/curl sha256=" + sha}, curl, 1},
		{"dst beats no dst", []string{"deny exe=/usr/bin/curl port=80 proto=tcp user=alice", "allow exe=/usr/bin/curl dst=0.0.0.0/0"}, curl, 1},
		{"longer prefix wins", []string{"deny dst=203.0.113.0/24", "allow dst=203.0.113.0/25", "deny dst=203.0.0.0/16"}, curl, 1},
		{"address beats network", []string{"deny dst=203.0.113.0/24", "allow dst=203.0.113.2"}, curl, 1},
		{"port beats no port", []string{"deny proto=tcp user=alice", "allow port=1-65535"}, curl, 1},
		{"narrower port wins", []string{"deny port=1-1024", "allow port=80-81", "deny port=1-100"}, curl, 1},
		{"single port beats range", []string{"deny port=79-80", "allow port=80"}, curl, 1},
		{"proto beats no proto", []string{"deny user=alice", "allow proto=tcp"}, curl, 1},
		{"user beats nothing", []string{"deny", "allow user=alice"}, curl, 1},
		{"deny beats allow", []string{"allow exe=/usr/bin/curl", "deny exe=/usr/bin/curl"}, curl, 1},
		{"reject beats allow", []string{"allow port=80", "reject port=80"}, curl, 1},
		{"older wins: deny", []string{"deny port=80", "reject port=80"}, curl, 0},
		{"older wins: allow", []string{"allow port=80 note=a", "allow port=80 proto=any lifetime=session"}, curl, 0},
		{"non-matching specific rule ignored", []string{"allow exe=/usr/bin/curl", "deny exe=/usr/bin/curl port=443"}, curl, 0},
		{"all conditions must hold", []string{"deny exe=/usr/bin/curl dst=203.0.113.2 port=80 proto=udp", "allow"}, curl, 1},
		{"unknown exe rule beats any", []string{"allow", "deny exe=unknown"}, conn("", "203.0.113.2", 80, ProtoTCP), 1},
		{"v4 /32 rule vs v6 rule", []string{"deny dst=::/0", "allow dst=203.0.113.2"}, curl, 1},
		{"v6 longer prefix", []string{"deny dst=2001:db8::/32", "allow dst=2001:db8::/64"}, conn("/bin/x", "2001:db8::1", 80, ProtoTCP), 1},
		{"v6 prefix does not match v4", []string{"deny dst=::/0"}, curl, -1},
		{"mapped connection is v4", []string{"deny dst=203.0.113.0/24"}, conn("/bin/x", "::ffff:203.0.113.9", 1, ProtoTCP), 0},
		{"uid needed for a user rule", []string{"deny user=alice"}, conn("/usr/bin/curl", "203.0.113.2", 80, ProtoTCP), -1},
		{"other user", []string{"deny user=bob"}, curl, -1},
		{"port rule vs icmp", []string{"deny port=0-100"}, conn("/bin/ping", "203.0.113.2", 0, ProtoICMP), -1},
		{"port rule, udp", []string{"deny port=0-100"}, conn("/bin/x", "203.0.113.2", 53, ProtoUDP), 0},
		{"proto only", []string{"deny proto=icmp"}, conn("/bin/ping", "203.0.113.2", 0, ProtoICMP), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSet(t, nil)
			var added []Rule
			for _, l := range tt.rules {
				added = append(added, mustAdd(t, s, l))
			}
			got, ok := s.Match(tt.c, t0)
			switch {
			case tt.want < 0 && ok:
				t.Errorf("matched %v, want no match", got)
			case tt.want >= 0 && !ok:
				t.Errorf("no match, want %v", added[tt.want])
			case tt.want >= 0 && got.ID != added[tt.want].ID:
				t.Errorf("matched %v (ID %d), want %v (ID %d)", got, got.ID, added[tt.want], added[tt.want].ID)
			}
		})
	}
}

func TestUnknownProcessNeverMatchesApp(t *testing.T) {
	s := testSet(t, nil)
	mustAdd(t, s, "allow exe=/usr/bin/curl")
	mustAdd(t, s, "allow exe=/usr/bin/curl dst=203.0.113.2 port=80 proto=tcp")
	unknown := conn("", "203.0.113.2", 80, ProtoTCP)
	if r, ok := s.Match(unknown, t0); ok {
		t.Fatalf("unknown process matched %v", r)
	}
	anyExe := mustAdd(t, s, "deny exe=any")
	if r, ok := s.Match(unknown, t0); !ok || r.ID != anyExe.ID {
		t.Fatalf("unknown process: got %v %v, want %v", r, ok, anyExe)
	}
	unk := mustAdd(t, s, "allow exe=unknown")
	if r, ok := s.Match(unknown, t0); !ok || r.ID != unk.ID {
		t.Fatalf("unknown process: got %v %v, want %v", r, ok, unk)
	}
	// exe=unknown is not for known processes.
	if r, _ := s.Match(conn("/usr/bin/wget", "203.0.113.2", 80, ProtoTCP), t0); r.ID != anyExe.ID {
		t.Fatalf("known process matched %v, want %v", r, anyExe)
	}
}

func TestSHA256(t *testing.T) {
	s := testSet(t, nil)
	hashed := mustAdd(t, s, "allow exe=/usr/bin/firefox sha256="+sha)
	anyExe := mustAdd(t, s, "deny sha256="+sha)
	tests := []struct {
		exe, sum string
		want     uint64 // 0: no match
	}{
		{"/usr/bin/firefox", sha, hashed.ID},
		{"/usr/bin/firefox", "", 0}, // not computed: never matches
		{"/usr/bin/firefox", "00" + sha[2:], 0},
		{"/usr/bin/other", sha, anyExe.ID},
		{"", sha, anyExe.ID},
		{"", "", 0},
	}
	for _, tt := range tests {
		c := conn(tt.exe, "203.0.113.2", 443, ProtoTCP)
		c.SHA256 = tt.sum
		r, ok := s.Match(c, t0)
		if ok != (tt.want != 0) || r.ID != tt.want {
			t.Errorf("Match(%q, %q) = %d %v, want %d", tt.exe, tt.sum, r.ID, ok, tt.want)
		}
	}
}

func TestHostMatch(t *testing.T) {
	dns := newFakeDNS(map[string]string{"example.org": "203.0.113.7"})
	dns.set("example.org", "203.0.113.7", "2001:db8::7", "::ffff:203.0.113.8")
	s := testSet(t, dns)
	host := mustAdd(t, s, "allow exe=/usr/bin/curl host=example.org port=443 proto=tcp")
	net := mustAdd(t, s, "deny dst=203.0.113.0/24")
	both := mustAdd(t, s, "reject exe=/usr/bin/curl host=example.org dst=2001:db8::/32")
	tests := []struct {
		dst  string
		want uint64
	}{
		{"203.0.113.7", host.ID},
		{"203.0.113.8", host.ID}, // the resolver's mapped answer is unmapped
		{"::ffff:203.0.113.7", host.ID},
		{"2001:db8::7", both.ID},
		{"203.0.113.9", net.ID},
		{"2001:db8::8", 0},
	}
	for _, tt := range tests {
		r, ok := s.Match(conn("/usr/bin/curl", tt.dst, 443, ProtoTCP), t0)
		if ok != (tt.want != 0) || r.ID != tt.want {
			t.Errorf("Match(%s) = %v %v, want ID %d", tt.dst, r, ok, tt.want)
		}
	}
	// Resolve picks up new addresses; a failure keeps the old ones.
	dns.set("example.org", "198.51.100.1")
	if err := s.Resolve(t.Context()); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Match(conn("/usr/bin/curl", "198.51.100.1", 443, ProtoTCP), t0); r.ID != host.ID {
		t.Errorf("after Resolve: matched %v, want %v", r, host)
	}
	if r, _ := s.Match(conn("/usr/bin/curl", "203.0.113.7", 443, ProtoTCP), t0); r.ID != net.ID {
		t.Errorf("after Resolve the old address still matches the host rule: %v", r)
	}
	delete(dns.names, "example.org")
	err := s.Resolve(t.Context())
	if err == nil || err.Error() != "rules: host name does not resolve: host example.org: NXDOMAIN" {
		t.Errorf("Resolve of a vanished name: %v", err)
	}
	if r, _ := s.Match(conn("/usr/bin/curl", "198.51.100.1", 443, ProtoTCP), t0); r.ID != host.ID {
		t.Errorf("after a failed Resolve: matched %v, want %v (old addresses kept)", r, host)
	}
	e := s.Entries()[0]
	if e.ID != host.ID || len(e.Addrs) != 1 || e.Addrs[0] != netip.MustParseAddr("198.51.100.1") {
		t.Errorf("Entries()[0] = %+v", e)
	}
}

func TestUserByName(t *testing.T) {
	s := testSet(t, nil)
	alice := mustAdd(t, s, "deny user=alice")
	uid := mustAdd(t, s, "allow user=1001 port=22")
	tests := []struct {
		uid    uint32
		hasUID bool
		want   uint64
	}{
		{1000, true, alice.ID},
		{1001, true, uid.ID},
		{1000, false, 0},
		{0, true, 0},
	}
	for _, tt := range tests {
		c := conn("/usr/bin/ssh", "203.0.113.2", 22, ProtoTCP)
		c.UID, c.HasUID = tt.uid, tt.hasUID
		r, ok := s.Match(c, t0)
		if ok != (tt.want != 0) || r.ID != tt.want {
			t.Errorf("uid %d/%v: matched %v %v, want ID %d", tt.uid, tt.hasUID, r, ok, tt.want)
		}
	}
}
