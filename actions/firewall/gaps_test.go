package firewall

import (
	"context"
	"testing"
)

// TestQueueGaps: the rule for TCP SYNs conntrack does not call NEW is a gap
// where the new-connections rule of the same queue is there without it
// (an earlier ifw setup), and only there; a firewall without ifw's queue
// rule, or with both, has none.
func TestQueueGaps(t *testing.T) {
	cfg := Config{Log: LogConfig{Target: LogNone}, Queue: &QueueConfig{Num: 5, RejectMark: DefaultRejectMark}}
	tests := []struct {
		name       string
		ip4, ip6   []string // OUTPUT
		wantFamily []Family
	}{
		{"earlier setup, both families", []string{ruleQueue5}, []string{ruleQueue5}, []Family{IPv4, IPv6}},
		{"earlier setup, IPv4 only", []string{ruleAcceptLoOut, ruleQueue5}, []string{ruleQueue5, ruleSYN5}, []Family{IPv4}},
		{"current setup", []string{ruleQueue5, ruleSYN5}, []string{ruleQueue5, ruleSYN5}, nil},
		{"no ifw setup", []string{ruleAcceptLoOut}, nil, nil},
		{"another queue", []string{ruleQueue6}, []string{ruleQueue6}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.setup("iptables", tt.ip4...)
			f.setup("ip6tables", tt.ip6...)
			gaps, err := QueueGaps(context.Background(), cfg, f.run)
			if err != nil {
				t.Fatal(err)
			}
			if len(gaps) != len(tt.wantFamily) {
				t.Fatalf("gaps %v, want one for each of %v", gaps, tt.wantFamily)
			}
			for i, g := range gaps {
				if g.Family != tt.wantFamily[i] || "-A "+g.Chain+" "+saveJoin(g.Spec) != ruleSYN5 {
					t.Errorf("gap %d: %v %s, want the SYN rule of %v", i, g.Family, g.Shell(), tt.wantFamily[i])
				}
			}
			if len(f.changes) != 0 {
				t.Errorf("QueueGaps changed the firewall: %q", f.changes)
			}
		})
	}
	if gaps, err := QueueGaps(context.Background(), Config{}, newFake().run); err != nil || gaps != nil {
		t.Errorf("without a queue: %v, %v", gaps, err)
	}
}
