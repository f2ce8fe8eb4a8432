package layers

import (
	"strings"
	"testing"
)

// clean is a graph that keeps the layering in every way the rules allow.
func clean() graph {
	return graph{
		"etc":                         {tests: []string{"etc"}},
		"sources":                     {},
		"sources/nflog":               {imports: []string{"sources"}, tests: []string{"sources/logline", "test/testenv"}},
		"sources/logline":             {imports: []string{"sources"}},
		"signatures":                  {imports: []string{"sources", "signatures/rules"}, tests: []string{"etc", "sources/logline"}},
		"signatures/rules":            {imports: []string{"sources"}},
		"alerts":                      {imports: []string{"signatures", "sources"}},
		"actions/block":               {imports: []string{"alerts", "signatures", "etc"}},
		"actions/verdict":             {imports: []string{"actions/notify", "sources"}},
		"actions/notify":              {imports: []string{"alerts"}},
		"etc/config":                  {imports: []string{"actions/block", "etc"}},
		"cmd/ifw":                     {imports: []string{"cmd/ifw/control", "etc/config", "sources/nflog"}},
		"cmd/ifw/control":             {imports: []string{"actions/block"}, tests: []string{"test/testenv"}},
		"test":                        {tests: []string{"cmd/ifw/control", "test/testenv", "alerts"}},
		"test/testenv":                {},
		"test/loggen":                 {imports: []string{"sources"}},
		"cmd/ifw/polkit/policy":       {},
		"actions/program/programtest": {imports: []string{"test/testenv"}},
		"actions/script":              {imports: []string{"alerts"}, tests: []string{"actions/program/programtest"}},
	}
}

func TestCheckClean(t *testing.T) {
	if found := check(clean()); len(found) != 0 {
		t.Errorf("findings in a clean graph:\n%s", strings.Join(found, "\n"))
	}
}

// TestCheckFindings: each bad import added to the clean graph is found,
// alone, with why.
func TestCheckFindings(t *testing.T) {
	for _, tt := range []struct {
		name, pkg string
		imports   []string
		tests     []string
		want      string
	}{
		{"sources imports signatures", "sources/nflog", []string{"sources", "signatures"}, nil,
			"sources/nflog imports signatures: sources/nflog may import only sources and etc"},
		{"signatures imports alerts", "signatures/rules", []string{"alerts"}, nil,
			"signatures/rules imports alerts: signatures/rules may import only sources, signatures and etc"},
		{"alerts imports actions", "alerts", []string{"actions/block"}, nil,
			"alerts imports actions/block: alerts may import only sources, signatures, alerts and etc"},
		{"actions imports cmd", "actions/block", []string{"cmd/ifw/control"}, nil,
			"actions/block imports cmd/ifw/control: only cmd imports cmd"},
		{"etc imports sources", "etc", []string{"sources"}, nil,
			"etc imports sources: etc may import nothing of ifw's"},
		{"actions imports the config reader", "actions/verdict", []string{"etc/config"}, nil,
			"actions/verdict imports etc/config: actions/verdict may import only sources, signatures, alerts, actions and etc"},
		{"the config reader imports cmd", "etc/config", []string{"cmd/ifw"}, nil,
			"etc/config imports cmd/ifw: only cmd imports cmd"},
		{"a test tool imports cmd", "test/loggen", []string{"cmd/ifw/control"}, nil,
			"test/loggen imports cmd/ifw/control: only cmd imports cmd"},
		{"a test tool imports the config reader", "test/loggen", []string{"etc/config"}, nil,
			"test/loggen imports etc/config: a package under test/ imports nothing of the program"},
		{"library code imports a test helper", "sources/nflog", []string{"test/testenv"}, nil,
			"sources/nflog imports test/testenv: only tests import test/…"},
		{"a package named like test imports a test helper", "sources/latest", []string{"test/testenv"}, nil,
			"sources/latest imports test/testenv: only tests import test/…"},
		{"a test imports a test helper package downstream", "sources/logline", nil, []string{"actions/program/programtest"},
			"sources/logline (tests) imports actions/program/programtest: sources/logline may import only sources and etc"},
		{"a test imports downstream", "sources/logline", nil, []string{"signatures"},
			"sources/logline (tests) imports signatures: sources/logline may import only sources and etc"},
		{"a test imports cmd", "alerts", nil, []string{"cmd/ifw"},
			"alerts (tests) imports cmd/ifw: only cmd imports cmd"},
		{"a folder outside the layers", "tools/gen", []string{"sources"}, nil,
			"tools/gen: the top-level folder is not one of the layers"},
		{"an import outside the layers", "cmd/ifw", []string{"internal/x"}, nil,
			"cmd/ifw imports internal/x: the top-level folder of internal/x is not one of the layers"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := clean()
			p := g[tt.pkg]
			p.imports = append(p.imports, tt.imports...)
			p.tests = append(p.tests, tt.tests...)
			g[tt.pkg] = p
			found := check(g)
			if len(found) != 1 || !strings.HasPrefix(found[0], tt.want) {
				t.Errorf("found %q, want one finding starting %q", found, tt.want)
			}
		})
	}
}

// TestCheckHelperDeps: a test helper that depends, even through another
// helper, on a package downstream of the test that uses it is found for
// every package whose tests use it.
func TestCheckHelperDeps(t *testing.T) {
	g := clean()
	g["test/testenv"] = pkg{imports: []string{"test/inner"}}
	g["test/inner"] = pkg{imports: []string{"alerts"}}
	g["cmd/ifw/control"] = pkg{tests: []string{"test/testenv"}} // cmd's tests may use it
	g["signatures"] = pkg{tests: []string{"test/testenv"}}
	want := []string{
		"signatures (tests) imports test/testenv, which depends on alerts: signatures may import only sources, signatures and etc",
		"sources/nflog (tests) imports test/testenv, which depends on alerts: sources/nflog may import only sources and etc",
	}
	found := check(g)
	if strings.Join(found, "\n") != strings.Join(want, "\n") {
		t.Errorf("found\n%s\nwant\n%s", strings.Join(found, "\n"), strings.Join(want, "\n"))
	}
}
