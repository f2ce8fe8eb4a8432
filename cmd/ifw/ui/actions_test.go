package ui

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// TestActions: each tab's forms reach the daemon through the client, and
// the outcome (or the daemon's refusal, in its words) is the next page's
// flash.
func TestActions(t *testing.T) {
	d := newFakeDaemon(t)
	u := startUI(t, d, 0)
	u.login()
	ctx := t.Context()

	if msg, bad := u.act("/blacklist/block", url.Values{"prefix": {"198.51.100.7"}, "for": {"7d"}, "reason": {"by hand"}}); bad || !strings.Contains(msg, "blocked 198.51.100.7/32 until") {
		t.Errorf("block: %q error %v", msg, bad)
	}
	if msg, bad := u.act("/blacklist/block", url.Values{"prefix": {"notanip"}}); !bad || msg != `&#34;notanip&#34; is not an IP address or network` {
		t.Errorf("bad block: %q error %v", msg, bad)
	}
	if msg, bad := u.act("/blacklist/block", url.Values{"prefix": {"198.51.100.8"}, "for": {"soon"}}); !bad || !strings.Contains(msg, "want e.g. 30m") {
		t.Errorf("bad duration: %q error %v", msg, bad)
	}
	_, page := u.get("/blacklist")
	for _, want := range []string{`<tr class="block" data-prefix="198.51.100.7/32">`, `<td class="remaining" data-until="`, `data-action="unblock"`, `<form id="block-form"`, `<section id="bulk">`} {
		if !strings.Contains(page, want) {
			t.Errorf("blacklist: no %s", want)
		}
	}
	if msg, bad := u.act("/blacklist/unblock", url.Values{"prefix": {"198.51.100.7/32"}}); bad || msg != "unblocked 198.51.100.7/32" {
		t.Errorf("unblock: %q %v", msg, bad)
	}
	if msg, bad := u.act("/blacklist/unblock", url.Values{"prefix": {"198.51.100.7/32"}}); !bad {
		t.Errorf("unblock twice: %q", msg)
	}
	if msg, bad := u.act("/blacklist/reload", url.Values{}); bad || !strings.Contains(msg, "3 entries") {
		t.Errorf("reload: %q %v", msg, bad)
	}

	if msg, bad := u.act("/log/act", url.Values{"src": {"203.0.113.9"}, "action": {"block"}}); bad || !strings.Contains(msg, "blocked 203.0.113.9/32") {
		t.Errorf("log block: %q %v", msg, bad)
	}
	if msg, bad := u.act("/log/act", url.Values{"src": {"203.0.113.10"}, "action": {"block-for"}, "for": {"forever"}}); bad || !strings.Contains(msg, "permanently") {
		t.Errorf("log block for: %q %v", msg, bad)
	}
	if msg, bad := u.act("/log/act", url.Values{"src": {"203.0.113.11"}, "action": {"block-for"}}); !bad || !strings.Contains(msg, "how long") {
		t.Errorf("log block for nothing: %q %v", msg, bad)
	}
	if msg, bad := u.act("/log/act", url.Values{"src": {"192.0.2.44"}, "action": {"whitelist"}}); bad || msg != "whitelisted 192.0.2.44" {
		t.Errorf("log whitelist: %q %v", msg, bad)
	}
	if msg, bad := u.act("/log/act", url.Values{"src": {"<x>"}, "action": {"block"}}); !bad || !strings.Contains(msg, "not an IP address") {
		t.Errorf("log bad src: %q %v", msg, bad)
	}

	if msg, bad := u.act("/whitelist/add", url.Values{"entry": {"192.0.2.0/28"}, "comment": {"lab"}}); bad || msg != "whitelisted 192.0.2.0/28" {
		t.Errorf("whitelist add: %q %v", msg, bad)
	}
	_, page = u.get("/whitelist")
	for _, want := range []string{`<tr class="entry" data-entry="192.0.2.0/28">`, `data-action="remove"`, `<table id="protected">`, `<form id="whitelist-form"`} {
		if !strings.Contains(page, want) {
			t.Errorf("whitelist: no %s", want)
		}
	}
	if msg, bad := u.act("/whitelist/remove", url.Values{"entry": {"192.0.2.0/28"}}); bad || !strings.Contains(msg, "removed 192.0.2.0/28") {
		t.Errorf("whitelist remove: %q %v", msg, bad)
	}

	_, page = u.get("/outbound")
	for _, want := range []string{`<tr class="question" data-id="3">`, `<select name="scope">`, `data-action="allow_once"`, `data-action="allow_always"`, `data-action="deny"`, `data-action="deny_always"`, `<table id="verdicts">`, `data-action="deny-program"`} {
		if !strings.Contains(page, want) {
			t.Errorf("outbound: no %s", want)
		}
	}
	if msg, bad := u.act("/outbound/answer", url.Values{"id": {"3"}, "action": {"allow_always"}, "scope": {"host"}}); bad || !strings.Contains(msg, "rule added") {
		t.Errorf("answer: %q %v", msg, bad)
	}
	if msg, bad := u.act("/outbound/answer", url.Values{"id": {"3"}, "action": {"maybe"}}); !bad {
		t.Errorf("bad answer: %q", msg)
	}
	d.mu.Lock()
	got := d.sent
	d.mu.Unlock()
	if len(got) != 1 || got[0] != (control.AnswerRequest{Action: "allow", Lifetime: "permanent", Scope: "host"}) {
		t.Errorf("answers sent %+v", got)
	}
	rs, err := d.Rules(ctx)
	if err != nil || len(rs) != 1 {
		t.Fatalf("rules %+v, %v", rs, err)
	}
	id := rs[0].ID
	if msg, bad := u.act("/outbound/rules/edit", url.Values{"id": {itoa(id)}, "line": {"allow nonsense"}}); !bad || !strings.Contains(msg, "the old rule is back") {
		t.Errorf("bad edit: %q %v", msg, bad)
	}
	if rs, _ = d.Rules(ctx); len(rs) != 1 || rs[0].Line == "" {
		t.Fatalf("after a bad edit: %+v", rs)
	}
	id = rs[0].ID
	if msg, bad := u.act("/outbound/rules/edit", url.Values{"id": {itoa(id)}, "line": {"deny exe=/usr/bin/curl port=80 proto=tcp"}}); bad || !strings.Contains(msg, "replaced") {
		t.Errorf("edit: %q %v", msg, bad)
	}
	if rs, _ = d.Rules(ctx); len(rs) != 1 || !strings.HasPrefix(rs[0].Line, "deny exe=/usr/bin/curl port=80") {
		t.Fatalf("after the edit: %+v", rs)
	}
	if msg, bad := u.act("/outbound/rules/delete", url.Values{"id": {itoa(rs[0].ID)}}); bad || !strings.Contains(msg, "deleted") {
		t.Errorf("delete: %q %v", msg, bad)
	}
	if msg, bad := u.act("/outbound/rules/delete", url.Values{"id": {"99"}}); !bad || msg != "no rule 99" {
		t.Errorf("delete again: %q %v", msg, bad)
	}
	if msg, bad := u.act("/outbound/rules/add", url.Values{"line": {denyProgram(mustVerdicts(t, d)[0])}}); bad || !strings.Contains(msg, "deny exe=/usr/bin/curl user=1000") {
		t.Errorf("deny this program: %q %v", msg, bad)
	}
	if msg, bad := u.act("/outbound/rules/add", url.Values{"line": {denyDestination(mustVerdicts(t, d)[0])}}); bad || !strings.Contains(msg, "deny exe=any dst=198.51.100.9 user=1000") {
		t.Errorf("deny this destination: %q %v", msg, bad)
	}

	_, page = u.get("/status")
	for _, want := range []string{`<table id="collectors">`, `<table id="attackers">`, `<dl id="counters">`} {
		if !strings.Contains(page, want) {
			t.Errorf("status: no %s", want)
		}
	}
}

func mustVerdicts(t *testing.T, d *fakeDaemon) []verdict.Given {
	t.Helper()
	vs, err := d.Verdicts(t.Context())
	if err != nil || len(vs) == 0 {
		t.Fatalf("verdicts %v, %v", vs, err)
	}
	return vs
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
