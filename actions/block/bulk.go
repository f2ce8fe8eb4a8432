package block

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"time"
)

// maxRefusedLogged bounds the refused entries a bulk load logs one by one.
const maxRefusedLogged = 10

// BulkStats says what LoadBulk read and loaded.
type BulkStats struct {
	Files      int           `json:"files"`
	Entries    int           `json:"entries"`    // addresses and networks read
	Widened    int           `json:"widened"`    // entries widened to the configured prefix length
	Duplicates int           `json:"duplicates"` // entries already listed (after widening)
	Refused    int           `json:"refused"`    // entries the guard refused, skipped
	Loaded4    int           `json:"loaded4"`    // entries in the IPv4 bulk set
	Loaded6    int           `json:"loaded6"`    // entries in the IPv6 bulk set
	Took       time.Duration `json:"took_ns"`
}

// LoadBulk reads bulk drop lists (netfilterd-style: one address or network
// per line, "#" or ";" starts a comment) and makes them the whole content
// of the bulk sets, in one batch per family. widen4 and widen6, when not
// 0, widen longer prefixes to that length (24: every address blocks its
// /24). Entries the guard refuses are skipped and counted. A line that is
// not an address or network is a *ParseError naming file and line, and
// nothing is loaded: the sets keep their previous content.
func (b *Blocker) LoadBulk(ctx context.Context, files []string, widen4, widen6 int) (BulkStats, error) {
	start := time.Now()
	if err := ValidateWiden(widen4, widen6); err != nil {
		return BulkStats{}, err
	}
	var st BulkStats
	var list []netip.Prefix
	for _, f := range files {
		var err error
		if list, err = readList(f, list); err != nil {
			return BulkStats{}, err
		}
		st.Files++
	}
	st.Entries = len(list)
	v4, v6 := b.screen(list, widen4, widen6, &st)
	if err := b.kernel.ReplaceBulk(ctx, v4, v6); err != nil {
		return BulkStats{}, fmt.Errorf("bulk: %w", err)
	}
	st.Loaded4, st.Loaded6, st.Took = len(v4), len(v6), time.Since(start)
	b.log.Info("bulk lists loaded", "files", st.Files, "entries", st.Entries, "ipv4", st.Loaded4, "ipv6", st.Loaded6,
		"widened", st.Widened, "duplicates", st.Duplicates, "refused", st.Refused, "took", st.Took)
	return st, nil
}

// screen widens, deduplicates and guard-checks list, split by family.
func (b *Blocker) screen(list []netip.Prefix, widen4, widen6 int, st *BulkStats) (v4, v6 []netip.Prefix) {
	for i, p := range list {
		w := widen6
		if p.Addr().Is4() {
			w = widen4
		}
		if w > 0 && p.Bits() > w {
			list[i] = netip.PrefixFrom(p.Addr(), w).Masked()
			st.Widened++
		}
	}
	slices.SortFunc(list, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	})
	n := len(list)
	list = slices.Compact(list)
	st.Duplicates = n - len(list)
	for _, p := range list {
		if err := b.guard.Check(p, true); err != nil {
			st.Refused++
			if st.Refused <= maxRefusedLogged {
				b.log.Warn("bulk entry refused", "prefix", p, "err", err)
			}
			continue
		}
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	return v4, v6
}

// readList appends the entries of one bulk list file to list.
func readList(path string, list []netip.Prefix) ([]netip.Prefix, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("bulk: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		p, ok, err := parseLine(text)
		if err != nil {
			return nil, &ParseError{File: path, Line: line, Text: text, Err: err}
		}
		if ok {
			list = append(list, p)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("bulk: %s: %w", path, err)
	}
	return list, nil
}

// parseLine reads one line of a bulk list; ok is false for a blank or
// comment line.
func parseLine(text string) (p netip.Prefix, ok bool, err error) {
	if i := strings.IndexAny(text, "#;"); i >= 0 {
		text = text[:i]
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return netip.Prefix{}, false, nil
	}
	if strings.ContainsAny(text, " \t") {
		return netip.Prefix{}, false, errors.New("one address or network per line")
	}
	if strings.Contains(text, "/") {
		p, err = netip.ParsePrefix(text)
	} else {
		var a netip.Addr
		a, err = netip.ParseAddr(text)
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if err != nil {
		return netip.Prefix{}, false, err
	}
	if p, err = Canonical(p); err != nil {
		return netip.Prefix{}, false, err
	}
	return p, true, nil
}
