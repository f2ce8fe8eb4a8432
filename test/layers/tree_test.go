package layers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/ifw/ifw"

// TestTreeLayers: no import of the module's packages, or of their tests,
// runs against the data flow.
func TestTreeLayers(t *testing.T) {
	g := moduleGraph(t)
	for _, p := range []string{"etc", "sources", "signatures", "alerts", "cmd/ifw", "test/testenv"} {
		if _, ok := g[p]; !ok {
			t.Fatalf("go list has no %s: the graph is not the module's", p)
		}
	}
	for _, f := range check(g) {
		t.Error(f)
	}
}

// moduleGraph is the import graph of the module's packages from go list
// (the go command of `go test`, first on its PATH).
func moduleGraph(t *testing.T) graph {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,TestImports,XTestImports", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	g := graph{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath                         string
			Imports, TestImports, XTestImports []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			return g
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		g[relative(p.ImportPath)] = pkg{imports: own(p.Imports), tests: own(append(p.TestImports, p.XTestImports...))}
	}
}

// relative is path inside the module ("sources/nflog").
func relative(path string) string {
	return strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
}

// own keeps the module's packages of imports, relative.
func own(imports []string) []string {
	var kept []string
	for _, i := range imports {
		if i == module || strings.HasPrefix(i, module+"/") {
			kept = append(kept, relative(i))
		}
	}
	return kept
}
