package rules

import (
	"fmt"
	"strconv"
	"strings"
)

// psadOption is one "key:value" (or bare "key") of a psad rule.
type psadOption struct {
	key, val string
	bare     bool
}

// splitPsadOptions splits the option list at semicolons outside double
// quotes; a backslash escapes the next character.
func splitPsadOptions(s string) ([]psadOption, error) {
	var (
		opts  []psadOption
		cur   strings.Builder
		inQ   bool
		colon = -1 // position of the first unquoted colon in cur
	)
	emit := func() {
		o := psadOption{key: strings.TrimSpace(cur.String())}
		if colon >= 0 {
			raw := cur.String()
			o.key, o.val = strings.TrimSpace(raw[:colon]), strings.TrimSpace(raw[colon+1:])
		} else {
			o.bare = true
		}
		if o.key != "" || !o.bare {
			opts = append(opts, o)
		}
		cur.Reset()
		colon = -1
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case c == '"':
			inQ = !inQ
			cur.WriteByte(c)
		case c == ';' && !inQ:
			emit()
		case c == ':' && !inQ && colon < 0:
			colon = cur.Len()
			cur.WriteByte(c)
		default:
			cur.WriteByte(c)
		}
	}
	if inQ {
		return nil, errUnterminated
	}
	emit()
	return opts, nil
}

// psadFields maps psad keywords that test a numeric field.
var psadFields = map[string]field{
	"ttl": fTTL, "tos": fTOS, "id": fIPID, "fragoffset": fFragOff,
	"itype": fIType, "icode": fICode, "icmp_id": fICMPID, "icmp_seq": fICMPSeq,
	"psad_ip_len": fLen,
	"window":      fWindow, "seq": fSeq, "ack": fAck, "ip_proto": fProto,
}

// psadIgnored are metadata keywords with no effect on matching.
var psadIgnored = map[string]bool{
	"reference": true, "rev": true, "priority": true, "metadata": true,
	"gid": true, "psad_derived_sids": true,
}

func (pr *psadRule) option(o psadOption) error {
	if f, ok := psadFields[o.key]; ok {
		fi := fieldInfos[f]
		fi.name = o.key
		set, err := parseSnortNumber(&fi, o.val)
		if err != nil {
			return err
		}
		pr.b.addNum(f, set)
		return nil
	}
	switch o.key {
	case "dsize", "psad_dsize":
		fi := fieldInfos[fDsize]
		fi.name = o.key
		set, err := parseSnortNumber(&fi, o.val)
		if err != nil {
			return err
		}
		pr.dsizes = append(pr.dsizes, set)
	case "msg":
		pr.msg = strings.TrimSuffix(strings.TrimPrefix(o.val, `"`), `"`)
	case "sid", "psad_id", "psad_dl":
		return pr.intOption(o)
	case "classtype":
		return pr.b.setClass(o.val)
	case "flags", "fragbits":
		return pr.bitsOption(o)
	case "ipopts":
		t, err := ipOptNames.parse("=", o.val)
		if err != nil || strings.Contains(o.val, ",") {
			return fmt.Errorf("bad option %q", o.val)
		}
		return pr.b.setOpts(false, t)
	case "sameip":
		pr.b.setSameIP()
	default:
		if !psadIgnored[o.key] {
			pr.skip(SkipPayload, fmt.Sprintf("unsupported keyword %q", o.key))
		}
	}
	return nil
}

func (pr *psadRule) intOption(o psadOption) error {
	n, err := strconv.Atoi(o.val)
	if err != nil || n < 0 || n > 1<<31-1 {
		return fmt.Errorf("%q is not a number", o.val)
	}
	switch o.key {
	case "sid":
		pr.sid = n
	case "psad_id":
		pr.psad = n
	default:
		if n < 1 || n > 5 {
			return fmt.Errorf("danger level %d is not 1-5", n)
		}
		pr.level = n
	}
	return nil
}

func (pr *psadRule) bitsOption(o psadOption) error {
	if o.key == "flags" {
		t, err := tcpAlphabet.parse(o.val)
		if err != nil {
			return err
		}
		return pr.b.addFlags(t)
	}
	t, err := fragAlphabet.parse(o.val)
	if err != nil {
		return err
	}
	return pr.b.addFrag(t)
}

// parseSnortNumber parses snort's numeric option syntax: N, =N, !N, <N,
// >N, <=N, >=N, N<>M and N-M (ranges inclusive), spaces allowed.
func parseSnortNumber(fi *fieldInfo, s string) (valueSet, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "!")
	s = strings.TrimSpace(strings.TrimPrefix(s, "!"))
	if s == "" {
		return valueSet{}, fmt.Errorf("%s: %w", fi.name, errEmpty)
	}
	var r span
	var err error
	if lo, hi, ok := strings.Cut(s, "<>"); ok {
		r, err = parseItem(fi, strings.TrimSpace(lo)+"-"+strings.TrimSpace(hi))
	} else {
		s = strings.Join(strings.Fields(strings.TrimPrefix(s, "=")), "")
		r, err = parseItem(fi, s)
	}
	if err != nil {
		return valueSet{}, err
	}
	if neg {
		return valueSet{neg: []span{r}}, nil
	}
	return valueSet{pos: []span{r}}, nil
}
