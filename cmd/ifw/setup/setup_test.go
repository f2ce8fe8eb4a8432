package setup

import (
	"testing"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/firewall"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/etc/config"
)

// TestFirewall: the options and the configured set names make the
// firewall's Config; a queue comes from an enabled [verdict] unless the
// command line names one; bad families and marks are refused.
func TestFirewall(t *testing.T) {
	o := &Options{LogTarget: "log", Queue: -1, Family: "both", RejectMark: 0x10000000, Given: map[string]bool{}}
	o.QueueFrom(config.Verdict{Enabled: true, Module: verdict.Config{Queue: 4, FailOpen: true, RejectMark: 0x20000000}})
	fw, err := o.Firewall(block.SetsConfig{Block4: "my4"})
	if err != nil {
		t.Fatal(err)
	}
	if fw.Queue == nil || fw.Queue.Num != 4 || !fw.Queue.Bypass || fw.Queue.RejectMark != 0x20000000 {
		t.Errorf("queue %+v", fw.Queue)
	}
	if fw.Sets4[0] != "my4" || fw.Sets4[1] != block.DefaultBulk4 || fw.Sets6[0] != block.DefaultBlock6 {
		t.Errorf("sets %v %v", fw.Sets4, fw.Sets6)
	}
	given := &Options{LogTarget: "none", Queue: 6, Family: "4", Given: map[string]bool{"queue": true}}
	given.QueueFrom(config.Verdict{Enabled: true, Module: verdict.Config{Queue: 4}})
	if fw, err := given.Firewall(block.SetsConfig{}); err != nil || fw.Queue.Num != 6 || fw.Families != firewall.IPv4 {
		t.Errorf("given queue: %+v, %v", fw, err)
	}
	for _, bad := range []*Options{
		{LogTarget: "log", Queue: -1, Family: "5"},
		{LogTarget: "log", Queue: 1, Family: "both", RejectMark: 1 << 33},
	} {
		if _, err := bad.Firewall(block.SetsConfig{}); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
