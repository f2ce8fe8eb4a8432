package control

import "net/http"

// status is GET /v1/status: the backend's picture, with the control
// socket's own part.
func (s *Server) status(r *http.Request) (any, error) {
	st, err := s.backend.Status(r.Context())
	if err != nil {
		return nil, err
	}
	st.Control = ControlStatus{Connections: s.ConnStats()}
	if hub := s.backend.Hub(); hub != nil {
		st.Control.Applets = new(hub.Stats())
	}
	return st, nil
}
