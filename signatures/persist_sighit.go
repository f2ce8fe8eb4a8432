package signatures

// The signature hits of a source (live state) and of an attacker (the
// reports kept with it) are written alike: a count, then each hit's rule
// id, name, level and packets.

func (w *wbuf) sigHits(hits []SigHit) {
	w.uvarint(uint64(len(hits)))
	for _, h := range hits {
		w.varint(int64(h.ID))
		w.str(h.Name)
		w.u8(uint8(h.Level))
		w.varint(int64(h.Packets))
	}
}

// sigHits reads what wbuf.sigHits writes, keeping the first keep hits.
func (r *rbuf) sigHits(keep int) []SigHit {
	n := r.count("signature hits", maxStateSigs)
	hits := make([]SigHit, 0, min(n, keep))
	for range n {
		h := SigHit{ID: int(r.varint()), Name: r.str(), Level: int(r.level()), Packets: int(r.varint())}
		if len(hits) < keep {
			hits = append(hits, h)
		}
	}
	return hits
}
