package main

import (
	"strconv"

	"github.com/ifw/ifw/sources"
)

var flagOrder = []struct {
	f    sources.TCPFlags
	name string
}{{sources.CWR, "CWR "}, {sources.ECE, "ECE "}, {sources.URG, "URG "}, {sources.ACK, "ACK "},
	{sources.PSH, "PSH "}, {sources.RST, "RST "}, {sources.SYN, "SYN "}, {sources.FIN, "FIN "}}

func appendTransport(b []byte, p *packet) []byte {
	switch p.proto {
	case sources.ProtoTCP:
		return appendTCP(b, p)
	case sources.ProtoUDP:
		b = append(b, "PROTO=UDP SPT="...)
		b = strconv.AppendUint(b, uint64(p.sport), 10)
		b = append(b, " DPT="...)
		b = strconv.AppendUint(b, uint64(p.dport), 10)
		return append(b, " LEN=8 "...)
	case sources.ProtoICMP:
		return appendICMP(b, p)
	}
	b = append(b, "PROTO="...)
	return strconv.AppendUint(b, uint64(p.proto), 10)
}

func appendTCP(b []byte, p *packet) []byte {
	b = append(b, "PROTO=TCP SPT="...)
	b = strconv.AppendUint(b, uint64(p.sport), 10)
	b = append(b, " DPT="...)
	b = strconv.AppendUint(b, uint64(p.dport), 10)
	b = append(b, " SEQ="...)
	b = strconv.AppendUint(b, uint64(p.seq), 10)
	b = append(b, " ACK=0 WINDOW="...)
	b = strconv.AppendUint(b, uint64(p.window), 10)
	b = append(b, " RES=0x00 "...)
	for _, f := range flagOrder {
		if p.flags&f.f != 0 {
			b = append(b, f.name...)
		}
	}
	b = append(b, "URGP=0 "...)
	if p.opts != "" {
		b = append(b, "OPT ("...)
		b = append(b, p.opts...)
		b = append(b, ") "...)
	}
	return b
}

func appendICMP(b []byte, p *packet) []byte {
	b = append(b, "PROTO=ICMP TYPE="...)
	b = strconv.AppendUint(b, uint64(p.icmpType), 10)
	b = append(b, " CODE="...)
	b = strconv.AppendUint(b, uint64(p.icmpCode), 10)
	if p.icmpType == 8 {
		b = append(b, " ID="...)
		b = strconv.AppendUint(b, uint64(p.id), 10)
		return append(b, " SEQ=1 "...)
	}
	b = append(b, " ["...)
	b = appendIP(b, p.dst, p.src, 64, p.id, 28)
	return append(b, "PROTO=UDP SPT=53 DPT=33434 LEN=8 ] "...)
}
