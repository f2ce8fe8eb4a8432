package procs

// genMap is a map bounded to about limit entries that forgets the least
// recently used first, coarsely: entries live in a current and an old
// generation; when the current one is full it becomes the old one and
// the previous old one is dropped; a hit in the old one moves the entry
// back. Every operation is O(1), amortized when drop is set. It is not
// safe for concurrent use.
type genMap[K comparable, V any] struct {
	cur, old map[K]V
	half     int
	// drop, if set, is called for each entry a generation change forgets
	// (not for those delete, filter or a put of the same key remove).
	drop func(K, V)
}

func newGenMap[K comparable, V any](limit int) genMap[K, V] {
	half := max(limit/2, 1)
	return genMap[K, V]{cur: make(map[K]V), old: make(map[K]V), half: half}
}

func (m *genMap[K, V]) get(k K) (V, bool) {
	if v, ok := m.cur[k]; ok {
		return v, true
	}
	v, ok := m.old[k]
	if ok {
		delete(m.old, k)
		m.put(k, v)
	}
	return v, ok
}

func (m *genMap[K, V]) put(k K, v V) {
	if _, ok := m.cur[k]; !ok && len(m.cur) >= m.half {
		if m.drop != nil {
			for dk, dv := range m.old {
				m.drop(dk, dv)
			}
		}
		m.old, m.cur = m.cur, make(map[K]V, m.half)
	}
	m.cur[k] = v
	delete(m.old, k)
}

func (m *genMap[K, V]) delete(k K) {
	delete(m.cur, k)
	delete(m.old, k)
}

func (m *genMap[K, V]) len() int { return len(m.cur) + len(m.old) }

// filter keeps the entries keep returns true for.
func (m *genMap[K, V]) filter(keep func(K, V) bool) {
	for _, g := range [...]map[K]V{m.cur, m.old} {
		for k, v := range g {
			if !keep(k, v) {
				delete(g, k)
			}
		}
	}
}
