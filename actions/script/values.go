package script

import (
	"strconv"
	"strings"
	"time"

	"github.com/ifw/ifw/actions/program"
	"github.com/ifw/ifw/alerts"
)

// EnvPrefix starts the names of the environment variables that carry the
// placeholders' values: IFW_SRCIP…
const EnvPrefix = "IFW_"

// DefaultPath is the PATH of a run, unless the command sets its own.
const DefaultPath = program.DefaultPath

// placeholder is a name replaced in the arguments and its value.
type placeholder struct {
	name, value string
}

// placeholders are the names and values for a, NUL bytes removed (an
// argument cannot carry them).
func placeholders(a *alerts.Alert) []placeholder {
	ps := []placeholder{
		{"SRCIP", a.Src.String()},
		{"DSTIP", a.FirstDestination()},
		{"DL", strconv.Itoa(a.Level)},
		{"PROTO", strings.Join(a.Protocols(), ",")},
		{"DPORTS", a.PortList()},
		{"SCAN", strings.Join(a.ScanTypes(), ",")},
		{"SIGS", strings.Join(a.SignatureNames(), "; ")},
		{"HOST", a.Host},
		{"ALERTID", strconv.FormatInt(a.ID, 10)},
		{"TIME", a.Time.Format(time.RFC3339)},
		{"OS", a.OS},
		{"TOOL", a.Tool},
	}
	for i := range ps {
		ps[i].value = strings.ReplaceAll(ps[i].value, "\x00", "")
	}
	return ps
}

// substitute replaces, in one pass, each token of arg (a maximal run of
// letters, digits and _) that is a placeholder's name by its value.
func substitute(arg string, ps []placeholder) string {
	var b strings.Builder
	for i := 0; i < len(arg); {
		if !isToken(arg[i]) {
			b.WriteByte(arg[i])
			i++
			continue
		}
		j := i
		for j < len(arg) && isToken(arg[j]) {
			j++
		}
		b.WriteString(valueOf(arg[i:j], ps))
		i = j
	}
	return b.String()
}

// valueOf is the value of the placeholder tok, or tok itself.
func valueOf(tok string, ps []placeholder) string {
	for _, p := range ps {
		if p.name == tok {
			return p.value
		}
	}
	return tok
}

func isToken(c byte) bool { return c == '_' || isAlpha(c) || isDigit(c) }

// environment is a run's environment: PATH, the command's assignments (a
// later one wins, PATH included), then the IFW_ variables, IFW_TRUSTED
// last: "yes" when every packet behind the alert came from the kernel,
// "no" when some came from a syslog file any local user can write to (a
// script that blocks or reports should weigh that). It is not an argument
// placeholder: psad recipes may say TRUSTED in their text.
func environment(assign []string, ps []placeholder, trusted bool) []string {
	env := append([]string{"PATH=" + DefaultPath}, assign...)
	for _, p := range ps {
		env = append(env, EnvPrefix+p.name+"="+p.value)
	}
	env = append(env, EnvPrefix+"TRUSTED="+yesNo(trusted))
	return dedupEnv(env)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// dedupEnv keeps the last value of each name, in the order of the names'
// first appearance.
func dedupEnv(env []string) []string {
	last := map[string]int{}
	var order []string
	for i, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if _, seen := last[name]; !seen {
			order = append(order, name)
		}
		last[name] = i
	}
	out := make([]string, len(order))
	for i, name := range order {
		out[i] = env[last[name]]
	}
	return out
}
