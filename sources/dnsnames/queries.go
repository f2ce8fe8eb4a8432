package dnsnames

import (
	"net/netip"
	"time"
)

// queryKey identifies an outstanding query by what its answer must carry
// back: protocol, the client's address and port (the query's source, the
// answer's destination), the server's (the query's destination, the
// answer's source) and the transaction id.
type queryKey struct {
	proto          uint8
	client, server netip.AddrPort
	id             uint16
}

// pending is an outstanding query's question and deadline.
type pending struct {
	name     string
	typ      uint16
	uid      uint32 // the querying socket's owner; NoUID when unknown
	deadline int64  // Unix ns
}

// queries is the table of outstanding queries, bounded. Only the
// Learner's goroutine uses it.
type queries struct {
	byKey map[queryKey]pending
	max   int
}

func newQueries(max int) *queries { return &queries{byKey: map[queryKey]pending{}, max: max} }

// add records a query; false when the table is full (after dropping the
// timed-out ones) — its answer will then teach nothing.
func (q *queries) add(k queryKey, p pending, now int64) bool {
	if _, ok := q.byKey[k]; !ok && len(q.byKey) >= q.max {
		q.expire(now)
		if len(q.byKey) >= q.max {
			return false
		}
	}
	q.byKey[k] = p
	return true
}

// take removes and returns the query k answers, if it is still waiting.
func (q *queries) take(k queryKey, now int64) (pending, bool) {
	p, ok := q.byKey[k]
	if !ok {
		return pending{}, false
	}
	delete(q.byKey, k)
	return p, p.deadline > now
}

// expire drops the queries whose answer is overdue.
func (q *queries) expire(now int64) {
	for k, p := range q.byKey {
		if p.deadline <= now {
			delete(q.byKey, k)
		}
	}
}

func nanosAfter(t time.Time, d time.Duration) int64 { return t.Add(d).UnixNano() }
