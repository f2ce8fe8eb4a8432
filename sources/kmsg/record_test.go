package kmsg

import "testing"

func TestRecordSeq(t *testing.T) {
	tests := []struct {
		rec  string
		seq  uint64
		ok   bool
		line string
	}{
		{rec: "4,3986,905962596,-;hello\n", seq: 3986, ok: true, line: "4,3986,905962596,-;hello"},
		{rec: "6,0,1,c,caller=T1;x\n SUBSYSTEM=net\n DEVICE=+net:eth0\n", seq: 0, ok: true, line: "6,0,1,c,caller=T1;x"},
		{rec: "4,18446744073709551615,1,-;max", seq: 1<<64 - 1, ok: true, line: "4,18446744073709551615,1,-;max"},
		{rec: "4,18446744073709551616,1,-;overflow", line: "4,18446744073709551616,1,-;overflow"},
		{rec: "4,12,1,-", line: "4,12,1,-"},
		{rec: ",12,1,-;no prio", line: ",12,1,-;no prio"},
		{rec: "4,,1,-;no seq", line: "4,,1,-;no seq"},
		{rec: "4,1x,1,-;bad seq", line: "4,1x,1,-;bad seq"},
		{rec: "<4>IN=eth0 OUT=\n", line: "<4>IN=eth0 OUT="},
		{rec: "", line: ""},
	}
	for _, tt := range tests {
		line := messageLine([]byte(tt.rec))
		if string(line) != tt.line {
			t.Errorf("messageLine(%q) = %q, want %q", tt.rec, line, tt.line)
		}
		seq, ok := recordSeq(line)
		if seq != tt.seq || ok != tt.ok {
			t.Errorf("recordSeq(%q) = %d, %v; want %d, %v", line, seq, ok, tt.seq, tt.ok)
		}
	}
}
