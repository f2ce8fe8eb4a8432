package test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium (TEST_DEPS).
const chromiumPath = "/usr/bin/chromium"

// browser is a headless chromium driven by chromedp, run as a desktop user
// with its sandbox on. It records the page's dialogs (an XSS payload's
// alert()) and console errors.
type browser struct {
	t         *testing.T
	ctx       context.Context
	artifacts string
	seen      *pageEvents
}

// pageEvents are what the page did that the test looks at afterwards.
type pageEvents struct {
	mu      sync.Mutex
	dialogs []string
	console []string
}

// on is the browser for test t (a subtest): failures fail t.
func (b *browser) on(t *testing.T) *browser {
	c := *b
	c.t = t
	return &c
}

// newBrowser starts chromium as uid with a profile in a temporary
// directory; it is stopped and its directory removed when the test ends.
func newBrowser(t *testing.T, uid uint32, artifacts string) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		require(t, "chromium")
	}
	home := publicTempDir(t, "ifw-ui-chromium-")
	if err := os.Chown(home, int(uid), 65534); err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(filepath.Join(home, "profile")),
		chromedp.Flag("no-sandbox", false), // not root: chromium keeps its sandbox
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(out),
		chromedp.ModifyCmdFunc(func(cmd *exec.Cmd) {
			cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home)
			cmd.SysProcAttr = &syscall.SysProcAttr{
				Pdeathsig:  syscall.SIGKILL,
				Credential: &syscall.Credential{Uid: uid, Gid: 65534, Groups: []uint32{}},
			}
		}),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	b := &browser{t: t, ctx: ctx, artifacts: artifacts, seen: &pageEvents{}}
	t.Cleanup(func() {
		cancel()
		cancelAlloc() // waits for chromium to exit and kills its leftovers
		if t.Failed() {
			lines := strings.Split(out.String(), "\n")
			t.Logf("chromium (the end):\n%s\nconsole:\n%s", strings.Join(lines[max(0, len(lines)-20):], "\n"), strings.Join(b.consoleLines(), "\n"))
		}
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium as uid %d: %v\n%s", uid, err, out.String())
	}
	if err := chromedp.Listen(ctx, b.seen.event(ctx)); err != nil {
		t.Fatal(err)
	}
	return b
}

func (p *pageEvents) event(ctx context.Context) func(ev any) {
	return func(ev any) { p.record(ctx, ev) }
}

func (p *pageEvents) record(ctx context.Context, ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := ev.(type) {
	case *page.EventJavascriptDialogOpening:
		p.dialogs = append(p.dialogs, fmt.Sprintf("%s: %q", e.Type, e.Message))
		go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{}) // never leave the page blocked
	case *runtime.EventConsoleAPICalled:
		var args []string
		for _, a := range e.Args {
			args = append(args, string(a.Value))
		}
		p.console = append(p.console, fmt.Sprintf("console.%s %s", e.Type, strings.Join(args, " ")))
	case *runtime.EventExceptionThrown:
		msg := e.ExceptionDetails.Text
		if x := e.ExceptionDetails.Exception; x != nil {
			msg += " " + x.Description
		}
		p.console = append(p.console, "exception: "+msg)
	}
}

func (b *browser) consoleLines() []string {
	b.seen.mu.Lock()
	defer b.seen.mu.Unlock()
	return append([]string(nil), b.seen.console...)
}

func (b *browser) dialogsSeen() []string {
	b.seen.mu.Lock()
	defer b.seen.mu.Unlock()
	return append([]string(nil), b.seen.dialogs...)
}

// run runs actions with a deadline; a failure fails the test with what.
func (b *browser) run(what string, within time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := b.try(within, actions...); err != nil {
		b.t.Fatalf("browser: %s: %v (page %s)", what, err, b.location())
	}
}

// try runs actions with a deadline and returns their error.
func (b *browser) try(within time.Duration, actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.ctx, within)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// poll waits until the expression is truthy in the page.
func (b *browser) poll(within time.Duration, expr string) error {
	ctx, cancel := context.WithTimeout(b.ctx, within)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr))
	return err
}

// location is the page's URL now ("" if it cannot be read).
func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	return loc
}

// fill sets the value of the form field sel, as typing would (input and
// change events).
func (b *browser) fill(sel, value string) {
	b.t.Helper()
	v, _ := json.Marshal(value)
	var got string
	b.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return "<no such field>";
		e.value = %s; e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true}));
		return e.value; })()`, sel, v), &got)
	if got != value {
		b.t.Fatalf("browser: fill %s with %q: it holds %q (page %s)", sel, value, got, b.location())
	}
}

// submit clicks sel (a form's button, a link), waits for the page it
// leads to (a new document: the form's 303 back to its tab) and for wait
// to be visible there.
func (b *browser) submit(what, sel, wait string) {
	b.t.Helper()
	b.eval(`(() => { window.__ifwtOld = true; return true; })()`, new(bool))
	b.run(what, 30*time.Second, chromedp.Click(chromedp.CSS(sel)))
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		fresh, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.__ifwtOld === "undefined" && document.readyState === "complete"`))
		cancel()
		if err == nil && fresh {
			break
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("browser: %s: no new page after clicking %s (page %s, %v)", what, sel, b.location(), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.run(what, 30*time.Second, chromedp.WaitVisible(chromedp.CSS(wait)))
}

// open navigates to url and waits until sel is visible.
func (b *browser) open(url, sel string) {
	b.t.Helper()
	b.run("open "+url, 30*time.Second, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(sel)))
}

// eval evaluates a JavaScript expression into out (JSON-decoded).
func (b *browser) eval(expr string, out any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage]("JSON.stringify("+expr+")"))
	if err == nil {
		var s string
		if err = json.Unmarshal(v, &s); err == nil {
			err = json.Unmarshal([]byte(s), out)
		}
	}
	if err != nil {
		b.t.Fatalf("browser: evaluate %s: %v (page %s)", expr, err, b.location())
	}
}

// text is the textContent of the first element sel matches ("" if none).
func (b *browser) text(sel string) string {
	b.t.Helper()
	var s string
	b.eval(fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel), &s)
	return s
}

// count is how many elements sel matches.
func (b *browser) count(sel string) int {
	b.t.Helper()
	var n int
	b.eval(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n)
	return n
}

// screenshot saves the whole page as DIR/name.png.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		b.t.Fatalf("browser: screenshot %s: %v", name, err)
	}
	p := filepath.Join(b.artifacts, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// cookies are the browser's cookies for url.
func (b *browser) cookies(url string) []*network.Cookie {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	if err != nil {
		b.t.Fatalf("browser: cookies: %v", err)
	}
	return res.Cookies
}

// noXSS fails the test if a payload ran: the flag every payload sets, a
// dialog, an element a payload would have made.
func (b *browser) noXSS(where string) {
	b.t.Helper()
	var flag string
	b.eval(`typeof window.__xss === "undefined" ? "" : String(window.__xss)`, &flag)
	if flag != "" {
		b.t.Errorf("%s: an XSS payload ran (window.__xss = %s)", where, flag)
	}
	if d := b.dialogsSeen(); len(d) > 0 {
		b.t.Errorf("%s: dialogs opened: %v", where, d)
	}
	var made int
	b.eval(`[...document.querySelectorAll("*")].filter(e => (e.tagName == "SCRIPT" && e.textContent.includes("__xss")) ||
		[...e.attributes].some(a => a.name.startsWith("on") && a.value.includes("__xss"))).length`, &made)
	if made > 0 {
		b.t.Errorf("%s: %d elements made of hostile strings in the page", where, made)
	}
}
