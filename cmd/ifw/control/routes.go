package control

import "net/http"

// route is one endpoint of the API: its pattern (method and path, as
// http.ServeMux takes it), what a non-root peer needs from polkit for it
// (need), and its handler: handle for a JSON answer, stream for one that
// writes its own.
type route struct {
	pattern string
	need    string
	handle  func(*http.Request) (any, error)
	stream  func(http.ResponseWriter, *http.Request, peer)
	// changes is the list a successful request changes: the server
	// tells the feed (StreamEvent kinds), so handlers need not.
	changes string
}

// routes is the whole API, in one table. A route's need is checked
// before its handler runs; actByHandler routes ask the gate themselves,
// for what depends on the request.
func (s *Server) routes() []route {
	return []route{
		{pattern: "GET /v1/status", need: actNone, handle: s.status},
		{pattern: "GET /v1/status/fleet", need: actNone, handle: s.fleetStatus},
		{pattern: "GET /v1/alerts", need: actNone, handle: s.listAlerts},
		{pattern: "POST /v1/alerts/seen", need: actNone, handle: s.markSeen},
		{pattern: "GET /v1/report", need: actNone, stream: s.report},
		{pattern: "GET /v1/stream", need: actNone, stream: s.streamFeed},

		{pattern: "GET /v1/blocks", need: actNone, handle: s.withBlocking(listBlocks)},
		{pattern: "POST /v1/blocks", need: actBlock, handle: s.withBlocking(addBlock), changes: StreamBlocks},
		{pattern: "DELETE /v1/blocks", need: actBlock, handle: s.withBlocking(delBlock), changes: StreamBlocks},
		{pattern: "POST /v1/blocks/reload", need: actManage, handle: s.withBlocking(reloadBlocks), changes: StreamBlocks},
		{pattern: "POST /v1/blocks/flush", need: actBlock, handle: s.withBlocking(flushBlocks), changes: StreamBlocks},
		{pattern: "GET /v1/blocks/auto", need: actNone, handle: s.withBlocking(getAutoBlock)},
		{pattern: "PUT /v1/blocks/auto", need: actBlock, handle: s.withBlocking(setAutoBlock), changes: StreamSettings},
		{pattern: "GET /v1/whitelist", need: actNone, handle: s.withBlocking(listWhitelist)},
		{pattern: "POST /v1/whitelist", need: actBlock, handle: s.withBlocking(addWhitelist), changes: StreamWhitelist},
		{pattern: "DELETE /v1/whitelist", need: actBlock, handle: s.withBlocking(delWhitelist), changes: StreamWhitelist},

		// Own questions, and the rules that apply to the peer, only:
		// see gate.seesAll.
		{pattern: "GET /v1/queue", need: actNone, handle: s.withOutbound(s.listQuestions)},
		{pattern: "POST /v1/queue/{id}", need: actByHandler, handle: s.withOutbound(s.answer), changes: StreamQueue},
		{pattern: "GET /v1/verdicts", need: actNone, handle: s.withOutbound(s.listVerdicts)},
		{pattern: "GET /v1/rules", need: actNone, handle: s.withOutbound(s.listRules)},
		{pattern: "POST /v1/rules", need: actByHandler, handle: s.withOutbound(s.addRule), changes: StreamRules},
		{pattern: "DELETE /v1/rules/{id}", need: actByHandler, handle: s.withOutbound(s.delRule), changes: StreamRules},

		// The desktop applet: the peer's own bubbles, and its clicks.
		{pattern: "GET /v1/events", need: actNone, stream: s.events},
		{pattern: "POST /v1/choices", need: actByHandler, handle: s.choice},
	}
}

// Paths of the API, for the client.
const (
	pathStatus       = "/v1/status"
	pathAlerts       = "/v1/alerts"
	pathAlertsSeen   = "/v1/alerts/seen"
	pathReport       = "/v1/report"
	pathStream       = "/v1/stream"
	pathBlocks       = "/v1/blocks"
	pathBlocksReload = "/v1/blocks/reload"
	pathBlocksFlush  = "/v1/blocks/flush"
	pathWhitelist    = "/v1/whitelist"
	pathQueue        = "/v1/queue"
	pathRules        = "/v1/rules"
	pathVerdicts     = "/v1/verdicts"
	pathEvents       = "/v1/events"
	pathChoices      = "/v1/choices"
)
