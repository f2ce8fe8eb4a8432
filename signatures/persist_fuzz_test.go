package signatures

import (
	"encoding/binary"
	"testing"

	"github.com/ifw/ifw/sources"
)

// FuzzRestoreState: no blob makes RestoreState panic or leave an engine
// that breaks its invariants; a refused blob leaves the engine empty. Each
// input is tried as it is and as the body of a blob with the right magic,
// version and checksum, so the fuzzer reaches the decoder.
func FuzzRestoreState(f *testing.F) {
	for _, seed := range stateSeeds(f) {
		f.Add(seed)
		f.Add(seed[len(stateMagic)+1 : len(seed)-4]) // the body alone
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, blob := range [][]byte{data, wrapBody(data)} {
			e := fuzzEngine(t)
			if err := e.RestoreState(blob); err != nil {
				if e.lru.n != 0 || len(e.srcs) != 0 || e.bitmaps.inUse != 0 || e.packets != 0 {
					t.Fatalf("refused state left the engine non-empty: %v", err)
				}
			}
			checkInvariants(t, e)
			var p sources.Packet
			now := t0
			for i := range 8 {
				rec := make([]byte, fuzzRecord)
				binary.LittleEndian.PutUint64(rec, uint64(i)*0x9e3779b97f4a7c15)
				binary.LittleEndian.PutUint64(rec[8:], uint64(len(data))*0xbf58476d1ce4e5b9)
				now = decodePacket(rec, now, &p)
				e.Observe(&p)
				checkInvariants(t, e)
			}
			e.Attackers(0)
			if _, err := e.MarshalState(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// wrapBody makes a well-formed blob of the current version around body.
func wrapBody(body []byte) []byte {
	b := append([]byte(stateMagic), stateVersion)
	return appendCRC(append(b, body...))
}

// stateSeeds are the states of small engines fed with real patterns.
func stateSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, pkts := range [][]*sources.Packet{
		trustedMix(300, 1),
		cat(synScan(attacker, victim, 1, 200), sweepHosts(attacker2, 22, 12)),
		cat(flagScan(attacker, victim, 1, 20, sources.ACK), flagScan(attacker, victim, 100, 5, sources.FIN)),
	} {
		e := newEngine(t, func(c *Config) { c.Retain = 4; c.ScanTimeout = 5_000_000 })
		feed(e, pkts)
		b, err := e.MarshalState()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}
