package daemon

import (
	"slices"
	"testing"
)

func TestDNSResolverUIDs(t *testing.T) {
	def, err := dnsResolverUIDs(nil)
	if err != nil || !slices.Contains(def, 0) {
		t.Errorf("defaults %v, %v: want root in them", def, err)
	}
	got, err := dnsResolverUIDs([]string{"root", "4242"})
	if err != nil || !slices.Equal(got, []uint32{0, 4242}) {
		t.Errorf("root 4242: %v, %v", got, err)
	}
	if _, err := dnsResolverUIDs([]string{"no-such-user-ifw"}); err == nil {
		t.Error("a configured user that does not exist was taken")
	}
}
