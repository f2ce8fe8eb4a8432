package signatures

import "net/netip"

// maxStateItems bounds the lists of a retained Attacker
// (Config.MaxReportItems' upper bound).
const maxStateItems = 1 << 20

// attacker writes a retained snapshot.
func (w *wbuf) attacker(a *Attacker) {
	w.addr(a.Src)
	w.u8(uint8(a.Level))
	w.varint(int64(a.Packets))
	w.varint(a.FirstSeen.UnixNano())
	w.varint(a.LastSeen.UnixNano())
	w.varint(int64(a.DestinationCount))
	w.uvarint(uint64(len(a.Destinations)))
	for _, d := range a.Destinations {
		w.addr(d)
	}
	w.uvarint(uint64(len(a.Targets)))
	for _, t := range a.Targets {
		w.addr(t.Dst)
		w.u8(uint8(t.Level))
		w.varint(int64(t.Packets))
	}
	w.uvarint(uint64(len(a.Scans)))
	for i := range a.Scans {
		w.scan(&a.Scans[i])
	}
	w.sigHits(a.Signatures)
	w.str(a.OS)
	w.str(a.Tool)
	w.u8(uint8(a.AutoDL))
	w.u8(boolBits(a.Trusted, 1))
	if w.version < stateVersionPorts {
		return
	}
	w.uvarint(uint64(len(a.Ports)))
	for _, h := range a.Ports {
		w.str(h.Proto)
		w.uvarint(uint64(h.Port))
		w.varint(int64(h.Packets))
		w.u8(boolBits(h.AtLeast, 1))
	}
}

func (w *wbuf) scan(s *Scan) {
	w.str(s.Type)
	w.str(s.Proto)
	w.addr(s.Dst)
	w.uvarint(uint64(s.MinPort))
	w.uvarint(uint64(s.MaxPort))
	w.varint(int64(s.DistinctPorts))
	w.varint(int64(s.Packets))
	w.varint(int64(s.Hosts))
}

// attacker reads what wbuf.attacker writes.
func (r *rbuf) attacker() Attacker {
	a := Attacker{Src: r.addr(), Level: int(r.level()), Packets: int(r.varint())}
	a.FirstSeen, a.LastSeen = unixTime(r.varint()), unixTime(r.varint())
	a.DestinationCount = int(r.varint())
	a.Destinations = make([]netip.Addr, r.count("destinations", maxStateItems))
	for i := range a.Destinations {
		a.Destinations[i] = r.addr()
	}
	a.Targets = make([]Target, r.count("targets", maxStateItems))
	for i := range a.Targets {
		a.Targets[i] = Target{Dst: r.addr(), Level: int(r.level()), Packets: int(r.varint())}
	}
	a.Scans = make([]Scan, r.count("scans", maxStateItems))
	for i := range a.Scans {
		a.Scans[i] = r.scan()
	}
	a.Signatures = r.sigHits(maxStateSigs)
	a.OS, a.Tool = r.str(), r.str()
	a.AutoDL = int(r.level())
	a.Trusted = r.flag()
	a.Ports = []PortHit{}
	if r.version >= stateVersionPorts {
		a.Ports = make([]PortHit, r.count("ports", maxStateItems))
		for i := range a.Ports {
			a.Ports[i] = PortHit{Proto: r.str(), Port: r.u16(), Packets: int(r.varint()), AtLeast: r.flag()}
		}
	}
	return a
}

func (r *rbuf) scan() Scan {
	return Scan{
		Type: r.str(), Proto: r.str(), Dst: r.addr(), MinPort: r.u16(), MaxPort: r.u16(),
		DistinctPorts: int(r.varint()), Packets: int(r.varint()), Hosts: int(r.varint()),
	}
}
