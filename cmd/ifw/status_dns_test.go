package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/sources/dnsnames"
)

// The outbound status says what the DNS names learner did, when it runs.
func TestWriteOutboundDNS(t *testing.T) {
	var b bytes.Buffer
	writeOutbound(&b, &control.OutboundStatus{})
	if strings.Contains(b.String(), "dns names") {
		t.Errorf("dns line without a learner:\n%s", b.String())
	}
	b.Reset()
	writeOutbound(&b, &control.OutboundStatus{DNS: &dnsnames.Snapshot{Addrs: 3, Queries: 9, Answers: 8, Unmatched: 2, Learned: 5}})
	if !strings.Contains(b.String(), "dns names: 3 addresses named; 9 queries, 8 answered, 2 answers to no query") {
		t.Errorf("no dns line:\n%s", b.String())
	}
}
