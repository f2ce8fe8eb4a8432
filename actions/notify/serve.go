package notify

import (
	"encoding/json"
	"net/http"
	"time"
)

// writeTimeout bounds one event's write: an applet that stops reading is
// cut off instead of holding its handler forever.
const writeTimeout = 10 * time.Second

// ServeEvents streams uid's subscription to the client as JSON lines (one
// Event per line, flushed as it comes), the handler of GET /v1/events. It
// returns when the client goes away, a write fails or times out, or the hub
// closes. uid must come from the connection's credentials (SO_PEERCRED):
// Choice accepts answers only from the uid an event was streamed to. When
// the hub is closed or full it answers 503, when uid's share of it is
// full 429, with {"error": …}.
func ServeEvents(w http.ResponseWriter, r *http.Request, hub *Hub, uid uint32) {
	s, cancel, err := hub.subscribe(uid)
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(HTTPStatus(err))
		_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		return
	}
	defer cancel()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "application/jsonl")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return
	}
	hub.log.Info("applet subscribed", "uid", uid)
	defer hub.log.Info("applet unsubscribed", "uid", uid)
	enc := json.NewEncoder(w)
	for {
		select {
		case <-r.Context().Done():
			return
		case ev, ok := <-s.ch:
			if !ok {
				return
			}
			_ = rc.SetWriteDeadline(time.Now().Add(writeTimeout))
			if enc.Encode(ev) != nil || rc.Flush() != nil {
				return
			}
		}
	}
}
