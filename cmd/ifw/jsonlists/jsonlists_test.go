package jsonlists

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"
)

type fillInner struct {
	Names []string       `json:"names"`
	Tags  map[string]int `json:"tags"`
}

type fillEmbedded struct {
	Hidden []int `json:"hidden"`
}

type fillOuter struct {
	fillEmbedded
	List    []fillInner          `json:"list"`
	Nil     []fillInner          `json:"nil"`
	Ptr     *fillInner           `json:"ptr"`
	NilPtr  *fillInner           `json:"nil_ptr,omitempty"`
	ByName  map[string]fillInner `json:"by_name"`
	Any     any                  `json:"any"`
	Arr     [2]fillInner         `json:"arr"`
	Addr    netip.Addr           `json:"addr"`
	When    time.Time            `json:"when"`
	Skipped []int                `json:"-"`
}

// TestListFiller: every nil slice and map, however deep, encodes as [] or
// {}; the value handed in is not changed.
func TestListFiller(t *testing.T) {
	in := &fillOuter{List: []fillInner{{}}, Ptr: &fillInner{}, ByName: map[string]fillInner{"a": {}},
		Any: fillInner{}, Addr: netip.MustParseAddr("192.0.2.1")}
	b, err := json.Marshal(New().Fill(in))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "null") {
		t.Errorf("null in %s", b)
	}
	if in.List[0].Names != nil || in.Ptr.Names != nil || in.ByName["a"].Tags != nil || in.Hidden != nil {
		t.Errorf("the original was changed: %+v", in)
	}
	for _, v := range []any{nil, []int(nil), map[string]int(nil), 3} {
		b, _ := json.Marshal(New().Fill(v))
		if want := map[string]bool{"null": true, "[]": true, "{}": true, "3": true}; !want[string(b)] {
			t.Errorf("%#v: %s", v, b)
		}
	}
	if b, _ := json.Marshal(New().Fill([]int(nil))); string(b) != "[]" {
		t.Errorf("nil slice: %s", b)
	}
}
