package firewall

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
)

// table is the filter table as iptables -S lists it.
type table struct {
	policies map[string]string // built-in chain -> policy
	chains   []string          // user-defined chains
	rules    []listed          // in order
	warning  string            // what iptables-nft says about legacy tables
}

// listed is one rule of the listing.
type listed struct {
	chain string
	spec  []string // after "-A CHAIN"
	line  string
}

// ours reports whether the rule carries ifw's comment.
func (l listed) ours() bool { return isOurs(l.spec) }

func isOurs(spec []string) bool {
	for i := 0; i+1 < len(spec); i++ {
		if spec[i] == "--comment" && spec[i+1] == Comment {
			return true
		}
	}
	return false
}

// jumpsTo reports whether the rule jumps or goes to chain.
func (l listed) jumpsTo(chain string) bool {
	for i := 0; i+1 < len(l.spec); i++ {
		if (l.spec[i] == "-j" || l.spec[i] == "-g") && l.spec[i+1] == chain {
			return true
		}
	}
	return false
}

func (t *table) hasChain(name string) bool { return slices.Contains(t.chains, name) }

// holds reports whether the listing shows the rule, token for token. Apply
// asks it besides iptables -C, which ip6tables-legacy answers comparing
// matches but no target options.
func (t *table) holds(r Rule) bool {
	return slices.ContainsFunc(t.rules, func(l listed) bool { return r.matches(l.chain, l.spec) })
}

func (t *table) rulesOf(chain string) []listed {
	var out []listed
	for _, r := range t.rules {
		if r.chain == chain {
			out = append(out, r)
		}
	}
	return out
}

// list reads the filter table (or one chain of it) through tool.
func list(ctx context.Context, run Runner, tool string, chain ...string) (*table, error) {
	argv := append([]string{tool, "-w", "-S"}, chain...)
	res, err := run(ctx, argv)
	if err != nil {
		return nil, &CommandError{Argv: argv, Err: err}
	}
	if res.Code != 0 {
		return nil, &CommandError{Argv: argv, Code: res.Code, Stderr: string(res.Stderr)}
	}
	t, err := parseListing(res.Stdout)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", shellJoin(argv), err)
	}
	for _, l := range strings.Split(string(res.Stderr), "\n") {
		if strings.HasPrefix(l, "# Warning:") {
			t.warning = strings.TrimSpace(strings.TrimPrefix(l, "#"))
		}
	}
	return t, nil
}

// parseListing reads iptables -S output: -P, -N and -A lines, "#"
// comments skipped.
func parseListing(out []byte) (*table, error) {
	t := &table{policies: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		tok, err := splitSave(line)
		if err != nil || len(tok) < 2 {
			return nil, fmt.Errorf("unreadable line %q: %v", line, err)
		}
		switch {
		case tok[0] == "-P" && len(tok) == 3:
			t.policies[tok[1]] = tok[2]
		case tok[0] == "-N":
			t.chains = append(t.chains, tok[1])
		case tok[0] == "-A":
			t.rules = append(t.rules, listed{chain: tok[1], spec: tok[2:], line: line})
		default:
			return nil, fmt.Errorf("unexpected line %q", line)
		}
	}
	return t, sc.Err()
}

// splitSave splits an iptables -S line into arguments: words separated by
// spaces, a double-quoted word holding spaces, backslash escaping the next
// character inside quotes.
func splitSave(line string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quoted && c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
		case c == '"':
			quoted, inWord = !quoted, true
		case !quoted && (c == ' ' || c == '\t'):
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if quoted {
		return nil, fmt.Errorf("unterminated quote")
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}
