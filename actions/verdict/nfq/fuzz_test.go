package nfq

import (
	"bytes"
	"testing"
)

// FuzzDatagram: any datagram is walked within its bounds, never panics,
// and every packet handed over has its payload inside the datagram.
func FuzzDatagram(f *testing.F) {
	f.Add(packetMsg(idAttr(1), attr{attrPayload, []byte{0x45, 0, 0, 20}}, attr{attrUID, be32(1000)}))
	f.Add(append(packetMsg(idAttr(1)), packetMsg(idAttr(2), attr{attrOutDev, be32(2)})...))
	f.Add(configMsg(1, 1, cmdAttr(cmdBind), paramsAttr(256)))
	f.Fuzz(func(t *testing.T, d []byte) {
		q := &Queue{queue: 1}
		orig := bytes.Clone(d)
		_ = q.datagram(d, func(p Packet) {
			if len(p.Payload) > 0 && !bytes.Contains(orig, p.Payload) {
				t.Fatalf("payload %x not from the datagram", p.Payload)
			}
		}, func(error) bool { return true })
	})
}
