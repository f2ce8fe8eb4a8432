package setup

import (
	"strings"
	"testing"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/firewall"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/etc/config"
	"github.com/ifw/ifw/sources/dnsnames"
)

// TestFirewall: the options and the configured set names make the
// firewall's Config; a queue comes from an enabled [verdict] unless the
// command line names one; bad families and marks are refused.
func TestFirewall(t *testing.T) {
	o := &Options{LogTarget: "log", Queue: -1, Family: "both", RejectMark: 0x10000000, Given: map[string]bool{}}
	o.QueueFrom(config.Verdict{Enabled: true, Module: verdict.Config{Queue: 4, FailOpen: true, RejectMark: 0x20000000},
		DNS: dnsnames.Config{Group: 53}})
	fw, err := o.Firewall(block.SetsConfig{Block4: "my4"})
	if err != nil {
		t.Fatal(err)
	}
	if fw.Queue == nil || fw.Queue.Num != 4 || !fw.Queue.Bypass || fw.Queue.RejectMark != 0x20000000 {
		t.Errorf("queue %+v", fw.Queue)
	}
	if fw.DNS == nil || fw.DNS.Group != 53 {
		t.Errorf("dns %+v", fw.DNS)
	}
	if fw.Sets4[0] != "my4" || fw.Sets4[1] != block.DefaultBulk4 || fw.Sets6[0] != block.DefaultBlock6 {
		t.Errorf("sets %v %v", fw.Sets4, fw.Sets6)
	}
	given := &Options{LogTarget: "none", Queue: 6, Family: "4", Given: map[string]bool{"queue": true}}
	given.QueueFrom(config.Verdict{Enabled: true, Module: verdict.Config{Queue: 4}})
	if fw, err := given.Firewall(block.SetsConfig{}); err != nil || fw.Queue.Num != 6 || fw.Families != firewall.IPv4 || fw.DNS != nil {
		t.Errorf("given queue: %+v, %v", fw, err)
	}
	for _, bad := range []*Options{
		{LogTarget: "log", Queue: -1, Family: "5"},
		{LogTarget: "log", Queue: 1, Family: "both", RejectMark: 1 << 33},
		{LogTarget: "log", Queue: -1, Family: "both", DNSGroup: 1 << 16},
	} {
		if _, err := bad.Firewall(block.SetsConfig{}); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// TestScriptRemove: --dry-run --remove shows the sets' destruction after
// the rules, with the configured names.
func TestScriptRemove(t *testing.T) {
	f := &Options{Remove: true, LogTarget: "log", Family: "both", Queue: -1}
	sc := block.SetsConfig{Block4: "my-block4"}
	fw, err := f.Firewall(sc)
	if err != nil {
		t.Fatal(err)
	}
	lines := Script(f, fw, sc)
	want := []string{"ipset destroy my-block4", "ipset destroy ifw-bulk4", "ipset destroy ifw-block6", "ipset destroy ifw-bulk6"}
	if len(lines) < len(want) {
		t.Fatalf("Script = %q", lines)
	}
	for i, w := range want {
		if got := lines[len(lines)-len(want)+i]; !strings.HasPrefix(got, w+" ") {
			t.Errorf("line %d = %q, want %q first", len(lines)-len(want)+i, got, w)
		}
	}
	f.Remove = false
	for _, l := range Script(f, fw, sc) {
		if strings.Contains(l, "ipset destroy") {
			t.Errorf("setup without --remove destroys a set: %q", l)
		}
	}
}
