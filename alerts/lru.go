package alerts

import (
	"container/list"
	"net/netip"
)

// SourceLRU is a bounded memory of something per source address: past its
// capacity, the least recently used source is forgotten. Throttles and
// once-per-attacker actions use it so that a flood of spoofed sources costs
// a fixed amount of memory. It is not safe for concurrent use.
type SourceLRU[V any] = LRU[netip.Addr, V]

// LRU is a bounded memory of something per key, as SourceLRU; the
// throttle keys it by source and host (a log server's sensors).
type LRU[K comparable, V any] struct {
	capacity int
	order    *list.List // of *lruEntry[K, V], most recently used first
	index    map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	src K
	val V
}

// NewSourceLRU remembers at most capacity sources (at least 1).
func NewSourceLRU[V any](capacity int) *SourceLRU[V] { return NewLRU[netip.Addr, V](capacity) }

// NewLRU remembers at most capacity keys (at least 1).
func NewLRU[K comparable, V any](capacity int) *LRU[K, V] {
	capacity = max(capacity, 1)
	return &LRU[K, V]{capacity: capacity, order: list.New(), index: make(map[K]*list.Element)}
}

// Get returns what is remembered of src and makes it the most recently
// used.
func (l *LRU[K, V]) Get(src K) (V, bool) {
	el, ok := l.index[src]
	if !ok {
		var zero V
		return zero, false
	}
	l.order.MoveToFront(el)
	return el.Value.(*lruEntry[K, V]).val, true
}

// Put remembers v for src, forgetting the least recently used source when
// full.
func (l *LRU[K, V]) Put(src K, v V) {
	if el, ok := l.index[src]; ok {
		el.Value.(*lruEntry[K, V]).val = v
		l.order.MoveToFront(el)
		return
	}
	if l.order.Len() >= l.capacity {
		oldest := l.order.Back()
		delete(l.index, oldest.Value.(*lruEntry[K, V]).src)
		l.order.Remove(oldest)
	}
	l.index[src] = l.order.PushFront(&lruEntry[K, V]{src: src, val: v})
}

// Delete forgets src.
func (l *LRU[K, V]) Delete(src K) {
	if el, ok := l.index[src]; ok {
		delete(l.index, src)
		l.order.Remove(el)
	}
}

// Len is the number of sources remembered.
func (l *LRU[K, V]) Len() int { return l.order.Len() }
