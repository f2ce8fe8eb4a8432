package layers

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// A layer is where a package stands in the data flow, upstream first.
type layer int

const (
	layerEtc        layer = iota // the root package etc: imports nothing of ifw's
	layerSources                 // sources/…
	layerSignatures              // signatures/…
	layerAlerts                  // alerts/…
	layerActions                 // actions/…
	layerProgram                 // cmd/… and etc/… below the root
	layerTest                    // test/…: outside the flow
)

// folders is the layer of each top-level folder of the module; a folder
// not listed is a finding (the top-level folders are the design's).
var folders = map[string]layer{
	"sources": layerSources, "signatures": layerSignatures, "alerts": layerAlerts,
	"actions": layerActions, "cmd": layerProgram, "etc": layerProgram, "test": layerTest,
}

// flowNames says what a layer of the flow may import, for the findings.
var flowNames = map[layer]string{
	layerEtc:        "nothing of ifw's",
	layerSources:    "only sources and etc",
	layerSignatures: "only sources, signatures and etc",
	layerAlerts:     "only sources, signatures, alerts and etc",
	layerActions:    "only sources, signatures, alerts, actions and etc",
}

// pkg is what one package imports of the module, as paths relative to it
// ("sources/nflog"): its own files' imports, and its tests' (both the
// package's _test files and the external _test package).
type pkg struct {
	imports []string
	tests   []string
}

// graph is the module's packages by relative path.
type graph map[string]pkg

// layerOf is the layer of the package at rel.
func layerOf(rel string) (layer, bool) {
	if rel == "etc" {
		return layerEtc, true
	}
	top, _, _ := strings.Cut(rel, "/")
	l, ok := folders[top]
	return l, ok
}

// testHelper reports whether rel is a package of helpers for the tests of
// its parent, named after it by Go's custom (net/http/httptest,
// actions/program/programtest): it counts as test code.
func testHelper(rel string) bool {
	dir, last := path.Split(rel)
	return last == path.Base(dir)+"test"
}

// under reports whether rel is the folder top or inside it.
func under(rel, top string) bool { return rel == top || strings.HasPrefix(rel, top+"/") }

// check returns every import of g that runs against the layering, one
// sentence each, sorted.
func check(g graph) []string {
	var found []string
	for _, p := range sortedKeys(g) {
		if _, ok := layerOf(p); !ok {
			found = append(found, fmt.Sprintf("%s: the top-level folder is not one of the layers", p))
			continue
		}
		for _, q := range g[p].imports {
			if why := edge(p, q, false); why != "" {
				found = append(found, fmt.Sprintf("%s imports %s: %s", p, q, why))
			}
		}
		for _, q := range g[p].tests {
			if why := edge(p, q, true); why != "" {
				found = append(found, fmt.Sprintf("%s (tests) imports %s: %s", p, q, why))
			} else if under(q, "test") && !under(p, "test") {
				found = append(found, helperDeps(g, p, q)...)
			}
		}
	}
	slices.Sort(found)
	return slices.Compact(found)
}

// edge is why p (its tests when test) may not import q, or "".
func edge(p, q string, test bool) string {
	lp, _ := layerOf(p)
	lq, ok := layerOf(q)
	switch {
	case !ok:
		return "the top-level folder of " + q + " is not one of the layers"
	case lp == layerTest && test:
		return "" // the system tests use the whole program
	case under(q, "cmd") && !under(p, "cmd"):
		return "only cmd imports cmd"
	case lp == layerTest:
		if lq == layerProgram {
			return "a package under test/ imports nothing of the program (cmd, etc/…)"
		}
		return ""
	case lq == layerTest && !test && !testHelper(p):
		return "only tests import test/…"
	case lq == layerTest:
		return "" // its own imports are checked by helperDeps
	case lp == layerProgram:
		return ""
	case lq > lp:
		return p + " may import " + flowNames[lp]
	}
	return ""
}

// helperDeps checks what the test helper q, imported by p's tests, brings
// with it: every package of the module it depends on must be one p itself
// may import. A package out of bounds is named, not what it imports.
func helperDeps(g graph, p, q string) []string {
	var found []string
	seen := map[string]bool{q: true}
	queue := []string{q}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		for _, s := range g[r].imports {
			if seen[s] {
				continue
			}
			seen[s] = true
			if why := edge(p, s, false); why != "" && !under(s, "test") {
				found = append(found, fmt.Sprintf("%s (tests) imports %s, which depends on %s: %s", p, q, s, why))
				continue // the first package out of bounds is enough
			}
			queue = append(queue, s)
		}
	}
	return found
}

func sortedKeys(g graph) []string {
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
