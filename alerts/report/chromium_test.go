package report

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ifw/ifw/test/testenv"
)

// chromiumBudget bounds the whole browser test: a guard against a browser
// that hangs, not a speed limit (two cold starts of chromium took over 30 s
// on a loaded 2-core machine).
const chromiumBudget = 3 * time.Minute

// needChromium returns the browser's path; without one it skips the test,
// or fails it under CI=true (the Makefile installs Debian's chromium).
func needChromium(t *testing.T) string {
	t.Helper()
	testenv.Tool(t, "chromium")
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// artifactDir is $IFW_ARTIFACTS, or the test's temporary directory.
func artifactDir(t *testing.T) string {
	dir := os.Getenv("IFW_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runChromium runs headless chromium on page with extra flags and returns
// its standard output. The browser runs in its own process group, killed
// whole at ctx's end and after it exits (no renderer left behind).
func runChromium(ctx context.Context, t *testing.T, browser, page string, flags ...string) []byte {
	t.Helper()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--window-size=1200,2000"}, flags...)
	cmd := exec.CommandContext(ctx, browser, append(args, "file://"+page)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) //nolint:errcheck // usually gone already
	}
	if err != nil {
		t.Fatalf("chromium %s: %v (context: %v)\n%s", strings.Join(flags, " "), err, ctx.Err(), tail(stderr.String(), 2000))
	}
	return stdout.Bytes()
}

func tail(s string, n int) string { return s[max(0, len(s)-n):] }

// TestHTMLInChromium opens the fixed store's HTML report in headless
// Chromium, saves a screenshot as an artifact, and checks the page's text
// and that the bars were drawn.
func TestHTMLInChromium(t *testing.T) {
	browser := needChromium(t)
	ctx, cancel := context.WithTimeout(t.Context(), chromiumBudget)
	defer cancel()
	r := fixtureReport(t)
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, render(t, r, HTML), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(artifactDir(t), "report-chromium.png")
	runChromium(ctx, t, browser, page, "--screenshot="+shot)
	t.Logf("screenshot: %s", shot)
	checkScreenshot(t, shot)
	dom := string(runChromium(ctx, t, browser, page, "--dump-dom"))
	for _, want := range []string{r.TopAttackers[0].Src.String(), "Alerts per hour", "Danger levels over time", "Top ports",
		"Top attackers", "gw.example"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the page's DOM lacks %q", want)
		}
	}
}

// checkScreenshot: a PNG of the window's size, with the colours of a
// level-4 bar, a level-5 bar and a port bar in it.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b := img.Bounds(); len(raw) < 20_000 || b.Dx() != 1200 || b.Dy() != 2000 {
		t.Fatalf("%s: %d bytes, %v", path, len(raw), b)
	}
	for name, c := range map[string]color.RGBA{"level 4": {0xe3, 0x1a, 0x1c, 0xff},
		"level 5": {0x80, 0x00, 0x26, 0xff}, "port": {0x3b, 0x6e, 0xa5, 0xff}} {
		if n := countColour(img, c); n < 200 {
			t.Errorf("%s bars: %d pixels of %v in the screenshot", name, n, c)
		}
	}
}

func countColour(img image.Image, want color.RGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)) == want {
				n++
			}
		}
	}
	return n
}

// TestHTMLSelfContained: the page fetches nothing: no URL, no script, no
// external style, font or image.
func TestHTMLSelfContained(t *testing.T) {
	out := strings.ToLower(string(render(t, fixtureReport(t), HTML)))
	for _, bad := range []string{"http:", "https:", "//", "<script", "<link", "<img", "src=", "url(", "@import", "@font-face"} {
		if strings.Contains(strings.ReplaceAll(out, "<!doctype html>", ""), bad) {
			t.Errorf("the HTML report contains %q", bad)
		}
	}
}
