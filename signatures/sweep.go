package signatures

import "github.com/ifw/ifw/sources"

// maxSweepRecs bounds the per-protocol sweep records of a source (it is
// also the width of pair.sweepMask).
const maxSweepRecs = 8

// sweepRec is one protocol a source sent to many destinations: which ports
// (ICMP types) across all of them, and to how many hosts.
type sweepRec struct {
	proto    uint8
	min, max uint16
	hasVal   bool
	packets  uint32
	hosts    uint32
	ports    portSet
	hot      portCounts // packets per port, protocols with ports only
}

// sweepRec returns the source's sweep record index for proto, adding it;
// -1 when the source has maxSweepRecs already.
func (s *source) sweepRec(proto uint8) int {
	for i := range s.sweeps {
		if s.sweeps[i].proto == proto {
			return i
		}
	}
	n := len(s.sweeps)
	if n >= maxSweepRecs {
		return -1
	}
	if n < cap(s.sweeps) {
		s.sweeps = s.sweeps[:n+1]
		list := s.sweeps[n].ports.list[:0]
		s.sweeps[n] = sweepRec{proto: proto}
		s.sweeps[n].ports.list = list
	} else {
		s.sweeps = append(s.sweeps, sweepRec{proto: proto})
	}
	return n
}

// sweep counts a scored packet to pr (nil: an untracked destination) in the
// source's sweep record for its protocol.
func (s *source) sweep(pr *pair, o *obs, bp *bitmapPool) {
	i := s.sweepRec(o.proto)
	if i < 0 {
		return
	}
	r := &s.sweeps[i]
	r.packets++
	if pr != nil && pr.sweepMask&(1<<i) == 0 {
		pr.sweepMask |= 1 << i
		r.hosts++
	}
	if o.hasVal {
		extend(&r.min, &r.max, &r.hasVal, o.val)
		r.ports.add(o.val, bp)
		if sources.HasPortsProto(o.proto) {
			r.hot.add(o.val)
		}
	}
}

// reportedSweeps reports whether r shows in the source's scans: the source
// reached sweep level 1 and r's protocol went to more than one host.
func (s *source) reportedSweep(r *sweepRec) bool {
	return s.sweepLevel > 0 && r.hosts > 1
}
