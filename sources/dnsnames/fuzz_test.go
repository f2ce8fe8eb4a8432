package dnsnames

import (
	"testing"
)

func seeds() [][]byte {
	return [][]byte{
		wire(1, true, "www.test.example", TypeA, cname("www.test.example", "e.test.example", 5), a("e.test.example", "192.0.2.1", 5)),
		wire(2, false, "six.example", TypeAAAA),
		wire(3, true, "six.example", TypeAAAA, aaaa("six.example", "2001:db8::1", 9)),
		append(wire(4, true, "a.example", TypeA), 0xc0, 12),
	}
}

// FuzzParse: no message panics Parse; what it accepts has a host name as
// question and at most MaxRecords answers with valid data.
func FuzzParse(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			return
		}
		if Normalize(m.Name) != m.Name || m.Name == "" {
			t.Fatalf("question %q", m.Name)
		}
		if len(m.Answers) > MaxRecords {
			t.Fatalf("%d answers", len(m.Answers))
		}
		for _, r := range m.Answers {
			if r.Name != "" && Normalize(r.Name) != r.Name || r.Target != "" && Normalize(r.Target) != r.Target {
				t.Fatalf("record names %q %q", r.Name, r.Target)
			}
			if (r.Type == TypeA) != r.Addr.Is4() && r.Type != TypeCNAME {
				t.Fatalf("record %+v", r)
			}
		}
	})
}

// FuzzObserve: no packet panics the Learner, and an answer nobody asked
// for teaches nothing.
func FuzzObserve(f *testing.F) {
	for _, s := range seeds() {
		f.Add(udpPacket(server, client, s), false)
		f.Add(tcpPacket(server, client, s), true)
	}
	f.Fuzz(func(t *testing.T, pkt []byte, out bool) {
		l, err := NewLearner(Config{})
		if err != nil {
			t.Fatal(err)
		}
		hook := HookIn
		if out {
			hook = HookOut
		}
		l.Observe(hook, 0, pkt, t0)
		if l.Addrs() != 0 {
			t.Fatal("learned without a query")
		}
	})
}
