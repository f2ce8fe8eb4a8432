package firewall

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// fakeIptables is the exec boundary faked: an in-memory filter table per
// tool that answers the commands Apply and Remove run the way iptables
// 1.8 does (exit status 1 for an absent rule, 2 for a missing set).
type fakeIptables struct {
	mu      sync.Mutex
	version string // iptables -V's answer, "(nf_tables)" by default
	tables  map[string]*fakeTable
	sets    map[string]Family // existing ipset sets
	changes []string          // mutating commands run
	// loose makes -C compare like ip6tables-legacy 1.8.9: matches and
	// target name, no target options.
	loose bool
}

type fakeTable struct {
	policies map[string]string
	order    []string // chains, built-in first
	rules    map[string][][]string
	loose    bool
}

func newFake() *fakeIptables {
	return &fakeIptables{version: "v1.8.9 (nf_tables)", tables: map[string]*fakeTable{},
		sets: map[string]Family{DefaultSet4: IPv4, DefaultSet6: IPv6}}
}

func (f *fakeIptables) table(tool string) *fakeTable {
	t, ok := f.tables[tool]
	if !ok {
		t = &fakeTable{policies: map[string]string{"INPUT": "ACCEPT", "FORWARD": "ACCEPT", "OUTPUT": "ACCEPT"},
			order: []string{"INPUT", "FORWARD", "OUTPUT"}, rules: map[string][][]string{}}
		f.tables[tool] = t
	}
	t.loose = f.loose
	return t
}

// setup runs commands given as -S lines ("-P INPUT DROP", "-A INPUT …").
func (f *fakeIptables) setup(tool string, lines ...string) {
	for _, l := range lines {
		argv, err := splitSave(l)
		if err != nil {
			panic(err)
		}
		if res, _ := f.run(context.Background(), append([]string{tool, "-w"}, argv...)); res.Code != 0 {
			panic(fmt.Sprintf("setup %q: %s", l, res.Stderr))
		}
	}
	f.changes = nil
}

// listing is what -S prints.
func (f *fakeIptables) listing(tool string) string {
	res, _ := f.run(context.Background(), []string{tool, "-w", "-S"})
	return string(res.Stdout)
}

func (f *fakeIptables) run(_ context.Context, argv []string) (Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	tool := argv[0]
	args := argv[1:]
	if len(args) == 1 && args[0] == "-V" {
		name := strings.TrimSuffix(strings.TrimSuffix(tool, "-nft"), "-legacy")
		return Result{Stdout: []byte(name + " " + f.version + "\n")}, nil
	}
	if len(args) < 2 || args[0] != "-w" {
		return fail(2, "bad command %q", argv)
	}
	t := f.table(tool)
	op, rest := args[1], args[2:]
	if op != "-S" && op != "-C" {
		f.changes = append(f.changes, strings.Join(argv, " "))
	}
	if op != "-S" && len(rest) == 0 {
		return fail(2, "option %s needs a chain", op)
	}
	if set := matchSet(rest); set != "" {
		fam, ok := f.sets[set]
		if !ok {
			return fail(2, "%s v1.8.9 (nf_tables): Set %s doesn't exist.\n", tool, set)
		}
		if (fam == IPv6) != strings.HasPrefix(tool, "ip6") {
			return fail(2, "%s v1.8.9 (nf_tables): The protocol family of set %s is other, which is not applicable.\n", tool, set)
		}
	}
	return t.do(op, rest)
}

func matchSet(args []string) string {
	if i := slices.Index(args, "--match-set"); i >= 0 && i+1 < len(args) {
		return args[i+1]
	}
	return ""
}

func fail(code int, format string, args ...any) (Result, error) {
	return Result{Code: code, Stderr: []byte(fmt.Sprintf(format, args...))}, nil
}

func (t *fakeTable) do(op string, rest []string) (Result, error) {
	if op == "-S" {
		return t.list(rest)
	}
	chain, spec := rest[0], rest[1:]
	if _, ok := t.rules[chain]; !ok && !slices.Contains(t.order, chain) && op != "-N" {
		return fail(1, "iptables: No chain/target/match by that name.\n")
	}
	switch op {
	case "-N":
		if slices.Contains(t.order, chain) {
			return fail(1, "iptables: Chain already exists.\n")
		}
		t.order = append(t.order, chain)
	case "-P":
		t.policies[chain] = spec[0]
	case "-C":
		if t.check(chain, spec) < 0 {
			return fail(1, "iptables: Bad rule (does a matching rule exist in that chain?).\n")
		}
	case "-A":
		t.rules[chain] = append(t.rules[chain], spec)
	case "-I":
		return t.insert(chain, spec)
	case "-D":
		i := t.find(chain, spec)
		if n, err := strconv.Atoi(strings.Join(spec, " ")); err == nil {
			i = n - 1
		}
		if i < 0 || i >= len(t.rules[chain]) {
			return fail(1, "iptables: Bad rule (does a matching rule exist in that chain?).\n")
		}
		t.rules[chain] = slices.Delete(t.rules[chain], i, i+1)
	case "-F":
		t.rules[chain] = nil
	case "-X":
		return t.deleteChain(chain)
	default:
		return fail(2, "unknown option %s", op)
	}
	return Result{}, nil
}

func (t *fakeTable) insert(chain string, spec []string) (Result, error) {
	pos, err := strconv.Atoi(spec[0])
	if err != nil || pos < 1 || pos > len(t.rules[chain])+1 {
		return fail(1, "iptables: Index of insertion too big.\n")
	}
	t.rules[chain] = slices.Insert(t.rules[chain], pos-1, spec[1:])
	return Result{}, nil
}

func (t *fakeTable) deleteChain(chain string) (Result, error) {
	if len(t.rules[chain]) > 0 {
		return fail(1, "iptables: Directory not empty.\n")
	}
	for _, rules := range t.rules {
		for _, r := range rules {
			if i := slices.Index(r, "-j"); i >= 0 && i+1 < len(r) && r[i+1] == chain {
				return fail(1, "iptables: Too many links.\n")
			}
		}
	}
	t.order = slices.DeleteFunc(t.order, func(c string) bool { return c == chain })
	delete(t.rules, chain)
	return Result{}, nil
}

// check is -C: find, or with loose the first rule equal up to the target
// name.
func (t *fakeTable) check(chain string, spec []string) int {
	if !t.loose {
		return t.find(chain, spec)
	}
	upToTarget := func(s []string) []string {
		if j := slices.Index(s, "-j"); j >= 0 && j+2 <= len(s) {
			return s[:j+2]
		}
		return s
	}
	return slices.IndexFunc(t.rules[chain], func(r []string) bool { return slices.Equal(upToTarget(r), upToTarget(spec)) })
}

func (t *fakeTable) find(chain string, spec []string) int {
	return slices.IndexFunc(t.rules[chain], func(r []string) bool { return slices.Equal(r, spec) })
}

func (t *fakeTable) list(only []string) (Result, error) {
	var b strings.Builder
	for _, c := range t.order {
		if len(only) > 0 && only[0] != c {
			continue
		}
		if p, ok := t.policies[c]; ok {
			fmt.Fprintf(&b, "-P %s %s\n", c, p)
		} else {
			fmt.Fprintf(&b, "-N %s\n", c)
		}
	}
	for _, c := range t.order {
		if len(only) > 0 && only[0] != c {
			continue
		}
		for _, r := range t.rules[c] {
			fmt.Fprintf(&b, "-A %s %s\n", c, saveJoin(r))
		}
	}
	return Result{Stdout: []byte(b.String())}, nil
}
