package logline

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// view is the JSON form of a Packet's header fields in golden files; time,
// host and source are left out so that every line form of one kernel record
// has the same view.
func view(p *sources.Packet) map[string]any {
	v := map[string]any{"prefix": p.Prefix, "chain": p.Chain.String(), "in": p.In, "out": p.Out,
		"v": p.Version, "src": p.Src.String(), "dst": p.Dst.String(), "proto": sources.ProtoName(p.Proto), "len": p.Len, "ttl": p.TTL}
	opt := func(cond bool, k string, val any) {
		if cond {
			v[k] = val
		}
	}
	opt(p.Has(sources.HasMAC), "mac", fmt.Sprintf("%x>%x/%04x", p.MAC.Src, p.MAC.Dst, p.MAC.EtherType))
	opt(p.Version == 4, "id", p.ID)
	opt(p.Version == 6, "flow", p.FlowLabel)
	opt(p.TOS != 0 || p.Prec != 0, "tos", fmt.Sprintf("%#x/%#x", p.TOS, p.Prec))
	opt(p.IPFlags != 0, "ipflags", p.IPFlags)
	opt(p.FragOff != 0, "frag", p.FragOff)
	opt(p.IPOptions.Len() > 0, "ipopt", hex.EncodeToString(p.IPOptions.Bytes()))
	opt(p.Has(sources.HasPorts), "ports", fmt.Sprintf("%d>%d", p.SrcPort, p.DstPort))
	opt(p.Has(sources.HasTCP), "tcp", fmt.Sprintf("%s win=%d res=%d urgp=%d", p.TCPFlags, p.Window, p.Res, p.Urgp))
	opt(p.Has(sources.HasSeq), "seq", fmt.Sprintf("%d/%d", p.Seq, p.Ack))
	opt(p.TCPOptions.Len() > 0, "tcpopt", hex.EncodeToString(p.TCPOptions.Bytes()))
	opt(p.Has(sources.HasUDPLen), "udplen", p.UDPLen)
	opt(p.Has(sources.HasICMP), "icmp", fmt.Sprintf("%d/%d", p.ICMPType, p.ICMPCode))
	opt(p.Has(sources.HasICMPEcho), "echo", fmt.Sprintf("%d/%d", p.ICMPID, p.ICMPSeq))
	opt(p.Has(sources.HasMTU), "mtu", p.MTU)
	opt(p.Has(sources.HasEmbedded), "embedded", embeddedView(&p.Embedded))
	opt(p.Has(sources.HasIncomplete), "incomplete", p.Incomplete)
	opt(p.Has(sources.HasUID), "uid", fmt.Sprintf("%d/%d", p.UID, p.GID))
	opt(p.Has(sources.HasMark), "mark", p.Mark)
	return v
}

func embeddedView(e *sources.Embedded) string {
	return fmt.Sprintf("%s>%s %s len=%d ttl=%d id=%d ports=%d>%d flags=%s icmp=%d/%d", e.Src, e.Dst,
		sources.ProtoName(e.Proto), e.Len, e.TTL, e.ID, e.SrcPort, e.DstPort, e.TCPFlags, e.ICMPType, e.ICMPCode)
}

// shape groups packets that a scan of one kind produces.
func shape(p *sources.Packet) string {
	return fmt.Sprintf("%s|%s|v%d|%s|%s|%d/%d|%v", p.Prefix, p.Chain, p.Version, sources.ProtoName(p.Proto),
		p.TCPFlags, p.ICMPType, p.ICMPCode, p.Has(sources.HasEmbedded))
}

// summary is what a golden file holds for one capture: counts per shape and
// the full view of the first packet of each shape.
type summary struct {
	Lines   int                       `json:"lines"`
	Packets int                       `json:"packets"`
	Timed   int                       `json:"with_time"`
	Shapes  map[string]int            `json:"shapes"`
	First   map[string]map[string]any `json:"first"`
}

func summarise(t *testing.T, path string) (summary, []string) {
	st, _ := os.Stat(path)
	p := New(Options{Reference: st.ModTime(), Location: time.UTC})
	s := summary{Shapes: map[string]int{}, First: map[string]map[string]any{}}
	var views []string
	var pkt sources.Packet
	for i, line := range readLines(t, path) {
		s.Lines++
		if err := p.Parse(line, &pkt); err != nil {
			t.Errorf("%s:%d: %v\n%s", path, i+1, err, line)
			continue
		}
		s.Packets++
		if pkt.Has(sources.HasTime) {
			s.Timed++
		}
		k := shape(&pkt)
		if s.Shapes[k]++; s.Shapes[k] == 1 {
			s.First[k] = view(&pkt)
		}
		b, _ := json.Marshal(view(&pkt))
		views = append(views, string(b))
	}
	return s, views
}

// TestCaptures parses every real captured line with zero errors and checks
// the result against testdata/golden; every line form must give the same
// packets as the raw /dev/kmsg records.
func TestCaptures(t *testing.T) {
	all := map[string][]string{}
	for _, f := range captureFiles(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".log")
		s, views := summarise(t, f)
		all[name] = views
		if s.Packets == 0 {
			t.Errorf("%s: no packets", name)
		}
		golden(t, filepath.Join("testdata", "golden", name+".json"), s)
	}
	base := all["kmsg"]
	sort.Strings(base)
	for name, views := range all {
		sort.Strings(views)
		if strings.Join(views, "\n") != strings.Join(base, "\n") {
			t.Errorf("%s: %d packets differ from kmsg's %d", name, len(views), len(base))
		}
	}
}

func golden(t *testing.T, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)", path)
	}
}
