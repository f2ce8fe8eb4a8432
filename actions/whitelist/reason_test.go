package whitelist

import "testing"

// TestReasonText: every reason reads back from the text it is written as
// (a client decodes the listings the daemon encodes).
func TestReasonText(t *testing.T) {
	for r := ReasonOwnAddress; r <= ReasonInvalid; r++ {
		b, err := r.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Reason
		if err := back.UnmarshalText(b); err != nil || back != r {
			t.Errorf("%v: read back %v, %v", r, back, err)
		}
	}
	var r Reason
	if err := r.UnmarshalText([]byte("nonsense")); err == nil {
		t.Error("unknown text accepted")
	}
}
