package nflog

import "testing"

func TestDrops(t *testing.T) {
	type step struct {
		overrun bool
		seq     uint32
		want    uint64
	}
	tests := []struct {
		name  string
		next  uint32
		steps []step
	}{
		{"no loss", 0, []step{{seq: 0}, {seq: 1}, {seq: 2}}},
		{"gap", 0, []step{{seq: 0}, {seq: 4, want: 3}, {seq: 5}}},
		{"first messages lost", 0, []step{{seq: 2, want: 2}}},
		{"overrun before the queued messages", 0, []step{
			{seq: 0}, {overrun: true, want: 1}, {seq: 1}, {seq: 2}, {seq: 10, want: 6}, {seq: 11}}},
		{"two overruns, one gap", 0, []step{{overrun: true, want: 1}, {overrun: true, want: 1}, {seq: 5, want: 3}}},
		{"counter wraps", 0xfffffffe, []step{{seq: 0xfffffffe}, {seq: 0xffffffff}, {seq: 1, want: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := drops{next: tt.next}
			for i, s := range tt.steps {
				var got uint64
				if s.overrun {
					got = d.overrun()
				} else {
					seq := s.seq
					got = d.seen(&seq)
				}
				if got != s.want {
					t.Fatalf("step %d: counted %d, want %d", i, got, s.want)
				}
			}
			if d.seen(nil) != 0 {
				t.Fatal("a message without a sequence number counted losses")
			}
		})
	}
}
