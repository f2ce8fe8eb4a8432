package journal

import (
	"encoding/json"
	"testing"
	"time"
)

func TestValue(t *testing.T) {
	tests := []struct {
		json string
		want string
		ok   bool
	}{
		{json: `"text"`, want: "text", ok: true},
		{json: `"tab\there \u00e9"`, want: "tab\there é", ok: true},
		{json: `[104, 105, 255, 0]`, want: "hi\xff\x00", ok: true},
		{json: `[]`, want: "", ok: true},
		{json: `null`, want: "", ok: true},
		{json: `["first", "second"]`, want: "first", ok: true},
		{json: `[[104, 105], "second"]`, want: "hi", ok: true},
		{json: `[null, "second"]`, want: "", ok: true},
		{json: `[104, 300]`},
		{json: `[104, "x"]`},
		{json: `12`},
		{json: `{"a": 1}`},
		{json: `true`},
	}
	for _, tt := range tests {
		var e struct{ V value }
		err := json.Unmarshal([]byte(`{"V": `+tt.json+`}`), &e)
		if (err == nil) != tt.ok || string(e.V) != tt.want {
			t.Errorf("%s: %q, %v; want %q, ok %v", tt.json, e.V, err, tt.want, tt.ok)
		}
	}
}

func TestEntryFields(t *testing.T) {
	tests := []struct {
		json   string
		kernel bool
		time   time.Time
		ok     bool
	}{
		{json: `{"_TRANSPORT":"kernel","__REALTIME_TIMESTAMP":"1740816000123456"}`, kernel: true, time: time.UnixMicro(1740816000123456), ok: true},
		{json: `{"_TRANSPORT": "kernel" ,"__REALTIME_TIMESTAMP":"1"}`, kernel: true, time: time.UnixMicro(1), ok: true},
		{json: `{"_TRANSPORT":"syslog","__REALTIME_TIMESTAMP":"1"}`, time: time.UnixMicro(1), ok: true},
		{json: `{"_TRANSPORT":"Kernel"}`},
		{json: `{"_TRANSPORT":["kernel"]}`},
		{json: `{"_TRANSPORT":"kernel\u0000"}`},
		{json: `{"__REALTIME_TIMESTAMP":"-5"}`},
		{json: `{"__REALTIME_TIMESTAMP":"12x"}`},
		{json: `{}`},
	}
	for _, tt := range tests {
		var e entry
		if err := json.Unmarshal([]byte(tt.json), &e); err != nil {
			t.Fatalf("%s: %v", tt.json, err)
		}
		got, err := e.time()
		if e.fromKernel() != tt.kernel || (err == nil) != tt.ok || !got.Equal(tt.time) {
			t.Errorf("%s: kernel %v, time %v, %v", tt.json, e.fromKernel(), got, err)
		}
	}
}
