package alerts

import (
	"container/list"
	"net/netip"
)

// SourceLRU is a bounded memory of something per source address: past its
// capacity, the least recently used source is forgotten. Throttles and
// once-per-attacker actions use it so that a flood of spoofed sources costs
// a fixed amount of memory. It is not safe for concurrent use.
type SourceLRU[V any] struct {
	capacity int
	order    *list.List // of *lruEntry[V], most recently used first
	index    map[netip.Addr]*list.Element
}

type lruEntry[V any] struct {
	src netip.Addr
	val V
}

// NewSourceLRU remembers at most capacity sources (at least 1).
func NewSourceLRU[V any](capacity int) *SourceLRU[V] {
	capacity = max(capacity, 1)
	return &SourceLRU[V]{capacity: capacity, order: list.New(), index: make(map[netip.Addr]*list.Element)}
}

// Get returns what is remembered of src and makes it the most recently
// used.
func (l *SourceLRU[V]) Get(src netip.Addr) (V, bool) {
	el, ok := l.index[src]
	if !ok {
		var zero V
		return zero, false
	}
	l.order.MoveToFront(el)
	return el.Value.(*lruEntry[V]).val, true
}

// Put remembers v for src, forgetting the least recently used source when
// full.
func (l *SourceLRU[V]) Put(src netip.Addr, v V) {
	if el, ok := l.index[src]; ok {
		el.Value.(*lruEntry[V]).val = v
		l.order.MoveToFront(el)
		return
	}
	if l.order.Len() >= l.capacity {
		oldest := l.order.Back()
		delete(l.index, oldest.Value.(*lruEntry[V]).src)
		l.order.Remove(oldest)
	}
	l.index[src] = l.order.PushFront(&lruEntry[V]{src: src, val: v})
}

// Delete forgets src.
func (l *SourceLRU[V]) Delete(src netip.Addr) {
	if el, ok := l.index[src]; ok {
		delete(l.index, src)
		l.order.Remove(el)
	}
}

// Len is the number of sources remembered.
func (l *SourceLRU[V]) Len() int { return l.order.Len() }
