package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// streamServer serves ServeEvents for uid 1000 on a loopback server.
func streamServer(t *testing.T, hub *Hub) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ServeEvents(w, r, hub, 1000)
	}))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv
}

func openStream(t *testing.T, ctx context.Context, url string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestServeEventsStreamsJSONLines(t *testing.T) {
	hub := newTestHub(t, Config{})
	srv := streamServer(t, hub)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	resp := openStream(t, ctx, srv.URL)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/jsonl" {
		t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// ServeEvents subscribes before it answers.
	if n := hub.Subscribers(); n != 1 {
		t.Fatalf("%d subscribers once the stream is open, want 1", n)
	}
	sc := bufio.NewScanner(resp.Body)
	for i, src := range []string{"203.0.113.1", "203.0.113.2"} {
		if err := hub.Run(context.Background(), testAlert(src, 3)); err != nil {
			t.Fatal(err)
		}
		// Each event arrives by itself: flushed, not buffered.
		if !sc.Scan() {
			t.Fatalf("event %d: stream ended: %v", i, sc.Err())
		}
		var raw map[string]any
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"event_id", "kind", "alert", "actions"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("event line %s lacks %q", sc.Bytes(), k)
			}
		}
		var ev Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || ev.Alert.Src.String() != src || ev.Kind != KindAlert {
			t.Fatalf("event %s: %v", sc.Bytes(), err)
		}
		if _, err := hub.Choice(1000, ev.ID, ActionIgnore); err != nil {
			t.Errorf("the streamed uid cannot answer: %v", err)
		}
	}
	cancel()    // the client goes away: the subscription ends
	srv.Close() // returns once the handler has
	if n := hub.Subscribers(); n != 0 {
		t.Fatalf("%d subscribers once the client went away, want 0", n)
	}
}

func TestServeEventsEnds(t *testing.T) {
	tests := []struct {
		name       string
		before     func(h *Hub) // before the request
		after      func(h *Hub) // once subscribed
		wantStatus int
	}{
		{"hub closed before", func(h *Hub) { h.Close() }, nil, http.StatusServiceUnavailable},
		{"hub full", func(h *Hub) { h.Subscribe(1) }, nil, http.StatusServiceUnavailable},
		{"hub closed during the stream", nil, func(h *Hub) { h.Close() }, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hub := newTestHub(t, Config{MaxSubscribers: 1})
			if tt.before != nil {
				tt.before(hub)
			}
			srv := streamServer(t, hub)
			resp := openStream(t, context.Background(), srv.URL)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.after != nil {
				tt.after(hub)
			}
			// The stream (or the error answer) ends by itself.
			var body map[string]string
			err := json.NewDecoder(resp.Body).Decode(&body)
			if tt.wantStatus != http.StatusOK && (err != nil || body["error"] == "") {
				t.Errorf("error answer %v: %v", body, err)
			}
		})
	}
}
