package notify

import (
	"errors"
	"fmt"
	"net/http"
)

// ErrConfig matches every error the Validate methods return (an
// *etc.ConfigError).
var ErrConfig = errors.New("notify: invalid config")

// Errors of Hub.Choice, each wrapped in a *ChoiceError.
var (
	// ErrUnknownEvent: no such event, or it is too old to answer.
	ErrUnknownEvent = errors.New("unknown or expired event")
	// ErrNotRecipient: the event was not delivered to this uid's applet.
	ErrNotRecipient = errors.New("event was not sent to this user")
	// ErrChoiceNotOffered: the choice is not one of the event's actions.
	ErrChoiceNotOffered = errors.New("choice not offered")
	// ErrAnswered: the event was answered already.
	ErrAnswered = errors.New("event already answered")
	// ErrSuperseded (an ErrAnswered): a newer alert of the same source
	// took the event's place.
	ErrSuperseded = fmt.Errorf("%w: a newer alert of the same source replaced it", ErrAnswered)
)

// Errors of the hub's other operations.
var (
	// ErrNoApplet: Run found no applet and no fallback.
	ErrNoApplet = errors.New("notify: no applet subscribed and no fallback")
	// ErrHubClosed: the hub was closed.
	ErrHubClosed = errors.New("notify: hub closed")
	// ErrTooManySubscribers: Config.MaxSubscribers are subscribed already.
	ErrTooManySubscribers = errors.New("notify: too many subscribers")
	// ErrTooManyForUID: Config.MaxSubscribersPerUID of this uid are
	// subscribed already.
	ErrTooManyForUID = errors.New("notify: too many subscribers of this uid")
)

// ErrNoSession: the fallback found no user with a session bus.
var ErrNoSession = errors.New("notify: no graphical session found")

// ChoiceError is why Hub.Choice refused an answer; Err is one of
// ErrUnknownEvent, ErrNotRecipient, ErrChoiceNotOffered, ErrAnswered
// (or ErrSuperseded).
type ChoiceError struct {
	EventID uint64
	UID     uint32
	Choice  string
	Err     error
}

func (e *ChoiceError) Error() string {
	return fmt.Sprintf("notify: choice %.64q on event %d by uid %d: %v", e.Choice, e.EventID, e.UID, e.Err)
}

func (e *ChoiceError) Unwrap() error { return e.Err }

// HTTPStatus is the status code the control socket should answer for an
// error of Hub.Choice or ServeEvents: 404 unknown event, 403 not the
// recipient, 400 choice not offered, 409 answered already, 429 the uid's
// subscriptions are full, 503 hub closed or full, 500 otherwise.
func HTTPStatus(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrUnknownEvent):
		return http.StatusNotFound
	case errors.Is(err, ErrNotRecipient):
		return http.StatusForbidden
	case errors.Is(err, ErrChoiceNotOffered):
		return http.StatusBadRequest
	case errors.Is(err, ErrAnswered):
		return http.StatusConflict
	case errors.Is(err, ErrTooManyForUID):
		return http.StatusTooManyRequests
	case errors.Is(err, ErrHubClosed), errors.Is(err, ErrTooManySubscribers):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
