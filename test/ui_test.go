package test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Hostile strings of the test data: each payload sets window.__xss if it
// ever runs.
const (
	xssHost    = `<svg/onload=window.__xss=1>.invalid`                 // a host name (whitelist entry)
	xssPrefix  = `"><script>window.__xss=2</script>`                   // a log prefix
	xssExe     = `ui-<img src=x onerror=window.__xss=3>`               // an executable's name
	xssComment = `"><img src=x onerror=window.__xss=4> <b>monitor</b>` // a whitelist comment
	xssReason  = `</td><script>window.__xss=5</script>`                // a block's reason
)

// TestUI drives the management window in a real browser against a real
// daemon: an nmap scan shows up in the Log tab live, Block from its row
// drops the attacker's traffic, the Blacklist shows and lifts the block,
// the Whitelist form adds an entry, a held connection is allowed always
// from the Outbound tab; hostile strings in the data stay text; requests
// without the session, from another Host or Origin, without the CSRF token
// or with another user's session are refused. `ifw ui` and chromium run as
// a desktop user (nobody, in the socket's group; polkit lets it block and
// allow always).
func TestUI(t *testing.T) {
	l := newUILab(t)
	ui := startUI(t, l.bin, l.d.socket, uidAl)
	b := newBrowser(t, uidAl, uiArtifacts(t))

	b.open(ui.url, "table#alerts")
	loc := b.location()
	if u, _ := url.Parse(loc); u == nil || u.Path != "/log" || u.RawQuery != "" {
		t.Errorf("the login URL led to %s, want /log without the token", loc)
	}
	b.run("the live stream", 30*time.Second, chromedp.WaitVisible(chromedp.CSS(`body[data-live="on"]`)))

	t.Run("live", func(t *testing.T) { uiLive(t, l, b.on(t)) })
	t.Run("block", func(t *testing.T) { uiBlock(t, l, b.on(t), ui) })
	t.Run("whitelist", func(t *testing.T) { uiWhitelist(t, l, b.on(t), ui) })
	t.Run("outbound", func(t *testing.T) { uiOutbound(t, l, b.on(t), ui) })
	t.Run("tabs", func(t *testing.T) { uiTabs(t, b.on(t), ui) })
	t.Run("security", func(t *testing.T) { uiSecurity(t, l, b.on(t), ui) })
}

// uiLive: scans appear in the Log tab without a reload; packet → row
// latency over their alerts is reported (the issue wants p99 ≤ 200 ms). A
// forged line's hostile host name and prefix stay text.
func uiLive(t *testing.T, l *uiLab, b *browser) {
	b.eval(`(() => {
		window.__rowsSeen = {};
		new MutationObserver(ms => {
			const now = performance.timeOrigin + performance.now();
			for (const m of ms) for (const n of m.addedNodes) {
				if (n.nodeType !== 1) continue;
				for (const r of n.matches("tr.alert") ? [n] : n.querySelectorAll("tr.alert"))
					if (!(r.dataset.id in window.__rowsSeen)) window.__rowsSeen[r.dataset.id] = now;
			}
		}).observe(document.body, {childList: true, subtree: true});
		return true;
	})()`, new(bool))
	l.scan("-sS", "-p", "1-100")
	b.run("the scan's row", 30*time.Second, chromedp.WaitVisible(chromedp.CSS(`tr.alert[data-src="`+attackerIP+`"]`)))
	l.scanFromMany(8, "1-20")
	b.run("the last scanner's row", 30*time.Second, chromedp.WaitVisible(chromedp.CSS(`tr.alert[data-src="198.51.100.17"]`)))
	loc := b.location()
	if !strings.HasSuffix(loc, "/log") {
		t.Errorf("the page moved to %s: the rows must come without a reload", loc)
	}
	reportRowLatency(t, l, b)

	// Forged lines with a hostile log prefix (the daemon records its own
	// host name, not the line's).
	l.forge("198.51.100.50", "forger", xssPrefix+"ifwt-"+l.token+" ", 30)
	b.run("the forged row", 30*time.Second, chromedp.WaitVisible(chromedp.CSS(`tr.alert[data-src="198.51.100.50"]`)))
	b.noXSS("Log tab, forged lines")
	b.screenshot("log")
}

// reportRowLatency logs the packet → row in the browser latency: the alert's
// time (its packet's) against when the page inserted its row.
func reportRowLatency(t *testing.T, l *uiLab, b *browser) {
	var seen map[string]float64
	b.eval(`window.__rowsSeen`, &seen)
	out, err := exec.Command(ifwBin, "alerts", "--json", "--limit", "1000", "--socket", l.d.socket).Output()
	if err != nil {
		t.Fatalf("ifw alerts: %v\n%s", err, out)
	}
	var list []struct {
		ID   int64     `json:"id"`
		Time time.Time `json:"time"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("ifw alerts: %v\n%s", err, out)
	}
	var lat []time.Duration
	for _, a := range list {
		if ms, ok := seen[strconv.FormatInt(a.ID, 10)]; ok {
			lat = append(lat, time.UnixMicro(int64(ms*1000)).Sub(a.Time))
		}
	}
	if len(lat) == 0 {
		t.Errorf("no alert's row was inserted live (%d alerts stored, rows seen %v)", len(list), seen)
		return
	}
	slices.Sort(lat)
	t.Logf("packet → row in the Log tab, %d of %d alerts: p50 %s, p99 %s, max %s (issue: p99 ≤ 200ms)",
		len(lat), len(list), lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1])
}

// uiBlock: Block on the attacker's row drops its TCP and ping; the
// Blacklist shows the block with its remaining time; Unblock lets the
// traffic through again.
func uiBlock(t *testing.T, l *uiLab, b *browser, ui *uiProc) {
	if tcp, icmp := l.reachable(); !tcp || !icmp {
		t.Fatalf("before the block: tcp %v, ping %v", tcp, icmp)
	}
	b.open(ui.base+"/log", `tr.alert[data-src="`+attackerIP+`"]`)
	b.submit("click Block", `tr.alert[data-src="`+attackerIP+`"] button[data-action="block"]`, "#flash")
	waitFor(t, "the Block click's block", 30*time.Second, func() bool { return listed(l.d.blockList(), attackerIP+"/32") })
	flashOK(t, b, "Block")
	if tcp, icmp := l.reachable(); tcp || icmp {
		t.Errorf("blocked from the window, still gets through: tcp %v, ping %v", tcp, icmp)
	}

	row := `tr.block[data-prefix="` + attackerIP + `/32"]`
	b.open(ui.base+"/blacklist", row)
	var until string
	b.eval(fmt.Sprintf(`(document.querySelector(%q) || {dataset: {}}).dataset.until || ""`, row+" td.remaining"), &until)
	u, err := time.Parse(time.RFC3339, until)
	if left := time.Until(u); err != nil || left < 50*time.Minute || left > 61*time.Minute {
		t.Errorf("remaining: data-until %q (%v): want about an hour from now", until, err)
	}
	shown := strings.TrimSpace(b.text(row + " td.remaining"))
	if shown == "" || strings.Contains(shown, "permanent") {
		t.Errorf("remaining time shown as %q", shown)
	}
	if err := b.poll(5*time.Second, fmt.Sprintf(`document.querySelector(%q).textContent.trim() !== %q`, row+" td.remaining", shown)); err != nil {
		t.Logf("remaining time %q did not change within 5 s (it may count in minutes)", shown)
	} else {
		t.Logf("remaining time counts down from %q to %q", shown, strings.TrimSpace(b.text(row+" td.remaining")))
	}

	b.submit("click Unblock", row+` button[data-action="unblock"]`, "#flash")
	waitFor(t, "the Unblock click", 30*time.Second, func() bool { return !listed(l.d.blockList(), attackerIP+"/32") })
	if n := b.count(row); n != 0 {
		t.Errorf("the Blacklist still shows the lifted block")
	}
	flashOK(t, b, "Unblock")
	if tcp, icmp := l.reachable(); !tcp || !icmp {
		t.Errorf("unblocked from the window: tcp %v, ping %v", tcp, icmp)
	}

	// Block by hand, with markup in the reason.
	const byHand = "192.0.2.77"
	b.fill(`form#block-form input[name="prefix"]`, byHand)
	b.fill(`form#block-form input[name="for"]`, "10m")
	b.fill(`form#block-form input[name="reason"]`, xssReason)
	b.submit("submit the block form", `form#block-form button[type="submit"]`, `tr.block[data-prefix="`+byHand+`/32"]`)
	flashOK(t, b, "Block by hand")
	if !listed(l.d.blockList(), byHand+"/32") {
		t.Errorf("ifw block list does not have %s", byHand)
	}
	b.noXSS("Blacklist tab, hostile reason")
	if text := b.text(`tr.block[data-prefix="` + byHand + `/32"]`); !strings.Contains(text, xssReason) {
		t.Errorf("the block's reason does not show as text: %q", text)
	}
	b.screenshot("blacklist")
}

// flashOK requires #flash to say something and not be an error.
func flashOK(t *testing.T, b *browser, what string) {
	t.Helper()
	var class string
	b.eval(`(document.querySelector("#flash") || {className: "missing"}).className`, &class)
	msg := strings.TrimSpace(b.text("#flash"))
	if strings.Contains(class, "error") || class == "missing" {
		t.Errorf("%s: #flash %q (class %q)", what, msg, class)
	}
	t.Logf("%s: #flash %q", what, msg)
}

// uiWhitelist: the Whitelist form adds an entry `ifw whitelist list` then
// has; its hostile comment stays text.
func uiWhitelist(t *testing.T, l *uiLab, b *browser, ui *uiProc) {
	const entry = "192.0.2.10"
	b.open(ui.base+"/whitelist", "form#whitelist-form")
	b.fill(`form#whitelist-form input[name="entry"]`, entry)
	b.fill(`form#whitelist-form input[name="comment"]`, xssComment)
	b.submit("submit the whitelist form", `form#whitelist-form button[type="submit"]`, `tr.entry[data-entry^="`+entry+`"]`)
	flashOK(t, b, "Whitelist add")
	if !l.whitelisted(entry) {
		t.Errorf("ifw whitelist list does not have %s", entry)
	}
	b.noXSS("Whitelist tab")
	if row := b.text(`tr.entry[data-entry^="` + entry + `"]`); !strings.Contains(row, xssComment) {
		t.Errorf("the comment does not show as text: %q", row)
	}

	// A host name with markup: refused, and the refusal does not run it.
	b.fill(`form#whitelist-form input[name="entry"]`, xssHost)
	b.fill(`form#whitelist-form input[name="comment"]`, "")
	b.submit("submit a hostile host name", `form#whitelist-form button[type="submit"]`, `#flash.error`)
	b.noXSS("Whitelist tab, hostile host name")
	t.Logf("a hostile host name: #flash %q", strings.TrimSpace(b.text("#flash")))
	if l.whitelisted(xssHost) {
		t.Errorf("%q was whitelisted", xssHost)
	}
	b.screenshot("whitelist")
}

// uiOutbound: a connection of the desktop user's program, held by NFQUEUE,
// is answered Allow always (scope: this destination and port) in the
// Outbound tab: it completes and the rule is in the rules file. A program
// with markup in its name is shown as text.
func uiOutbound(t *testing.T, l *uiLab, b *browser, ui *uiProc) {
	hostile := l.copyNC(xssExe)
	ch := l.connectAs(uidAl, hostile, 30)
	id := l.question(hostile)
	row := fmt.Sprintf(`tr.question[data-id="%d"]`, id)
	b.open(ui.base+"/outbound", row)
	b.noXSS("Outbound tab, question")
	if text := b.text(row); !strings.Contains(text, xssExe) {
		t.Errorf("the question does not show the program's name as text: %q", text)
	}
	b.submit("click Allow once", row+` button[data-action="allow_once"]`, "#flash")
	flashOK(t, b, "Allow once")
	if !outcome(t, ch, time.Minute) {
		t.Errorf("allowed once from the window: not connected")
	}

	app := l.copyNC("ui-app")
	ch = l.connectAs(uidAl, app, 30)
	id = l.question(app)
	row = fmt.Sprintf(`tr.question[data-id="%d"]`, id)
	b.open(ui.base+"/outbound", row)
	b.fill(row+` select[name="scope"]`, "port")
	b.submit("answer Allow always", row+` button[data-action="allow_always"]`, `table#rules tr.rule`)
	if !outcome(t, ch, time.Minute) {
		t.Fatalf("allowed always from the window: not connected")
	}
	rules, err := os.ReadFile(filepath.Join(l.dir, "rules"))
	if err != nil || !strings.Contains(string(rules), "allow exe="+app) || !strings.Contains(string(rules), uiServerIP) {
		t.Errorf("rules file after Allow always (%v):\n%s", err, rules)
	}
	flashOK(t, b, "Allow always")
	if ok := <-l.connectAs(uidAl, app, 5); !ok {
		t.Errorf("after Allow always: a new connection was not let through by the rule")
	}
	b.open(ui.base+"/outbound", "table#rules")
	b.noXSS("Outbound tab, verdicts")
	var lines []string
	b.eval(`[...document.querySelectorAll("table#rules tr.rule input[name=line]")].map(i => i.value)`, &lines)
	if !slices.ContainsFunc(lines, func(s string) bool { return strings.Contains(s, "exe="+app) }) {
		t.Errorf("the rules table does not list %s: %q", app, lines)
	}
	if text := b.text("table#verdicts"); !strings.Contains(text, xssExe) {
		t.Errorf("the recent verdicts do not show the program's name as text: %q", text)
	}
	b.screenshot("outbound")
}

// uiTabs: every tab opens from the navigation; a screenshot of each.
func uiTabs(t *testing.T, b *browser, ui *uiProc) {
	for _, tab := range []struct{ path, sel string }{
		{"/log", "table#alerts"}, {"/blacklist", "table#blocks"}, {"/whitelist", "table#whitelist"},
		{"/outbound", "table#questions"}, {"/status", "#collectors"}, {"/reports", "form#report-form"},
	} {
		b.open(ui.base+"/log", "nav")
		b.submit("tab "+tab.path, `nav a[href="`+tab.path+`"]`, tab.sel)
		b.noXSS("tab " + tab.path)
		b.screenshot("tab-" + strings.TrimPrefix(tab.path, "/"))
	}
	b.submit("a report", `form#report-form button[type="submit"]`, `iframe#report`)
	b.screenshot("report")
}

// uiSecurity: what the window refuses, asked over HTTP with and without
// the pieces of a session.
func uiSecurity(t *testing.T, l *uiLab, b *browser, ui *uiProc) {
	c := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var cookies []*http.Cookie
	for _, k := range b.cookies(ui.base) {
		cookies = append(cookies, &http.Cookie{Name: k.Name, Value: k.Value})
		if !k.HTTPOnly || string(k.SameSite) != "Strict" {
			t.Errorf("cookie %s: HttpOnly %v, SameSite %q; want HttpOnly, Strict", k.Name, k.HTTPOnly, k.SameSite)
		}
	}
	if len(cookies) == 0 {
		t.Fatal("the browser has no cookie for the window")
	}
	type req struct {
		method, url, host, origin string
		form                      url.Values
		cookies                   []*http.Cookie
	}
	do := func(r req) (int, http.Header, string) {
		t.Helper()
		var body *strings.Reader
		if r.form != nil {
			body = strings.NewReader(r.form.Encode())
		} else {
			body = strings.NewReader("")
		}
		hr, err := http.NewRequest(r.method, r.url, body)
		if err != nil {
			t.Fatal(err)
		}
		if r.form != nil {
			hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if r.host != "" {
			hr.Host = r.host
		}
		if r.origin != "" {
			hr.Header.Set("Origin", r.origin)
		}
		for _, k := range r.cookies {
			hr.AddCookie(k)
		}
		resp, err := c.Do(hr)
		if err != nil {
			t.Fatalf("%s %s: %v", r.method, r.url, err)
		}
		defer resp.Body.Close()
		var sb strings.Builder
		buf := make([]byte, 4096)
		n, _ := resp.Body.Read(buf)
		sb.Write(buf[:n])
		return resp.StatusCode, resp.Header, sb.String()
	}
	refused := func(what string, r req, codes ...int) {
		t.Helper()
		code, _, body := do(r)
		if !slices.Contains(codes, code) {
			t.Errorf("%s: %s %s answered %d, want one of %v: %.200q", what, r.method, r.url, code, codes, body)
		}
		t.Logf("%s: %d", what, code)
	}
	denied := []int{http.StatusUnauthorized, http.StatusForbidden}
	anyRefusal := []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusMisdirectedRequest}

	code, hdr, _ := do(req{method: "GET", url: ui.base + "/log", cookies: cookies})
	if code != http.StatusOK {
		t.Fatalf("GET /log with the browser's cookie: %d", code)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src") && !strings.Contains(csp, "script-src") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	refused("no cookie", req{method: "GET", url: ui.base + "/log"}, denied...)
	refused("no cookie, an API-like path", req{method: "GET", url: ui.base + "/events"}, denied...)
	refused("the used one-time token", req{method: "GET", url: ui.url}, denied...)
	refused("a wrong token", req{method: "GET", url: ui.base + "/login?token=0123456789abcdef"}, denied...)
	refused("a foreign Host", req{method: "GET", url: ui.base + "/log", host: "evil.example", cookies: cookies}, anyRefusal...)
	refused("a foreign Host with the port", req{method: "GET", url: ui.base + "/log", host: "evil.example:" + ui.host[strings.LastIndex(ui.host, ":")+1:], cookies: cookies}, anyRefusal...)

	// The whitelist form as the page has it: the action and every field.
	b.open(ui.base+"/whitelist", "form#whitelist-form")
	var form struct {
		Action string     `json:"action"`
		Fields [][]string `json:"fields"`
	}
	b.eval(`(() => { const f = document.querySelector("form#whitelist-form");
		return {action: f.action, fields: [...new FormData(f).entries()].map(([k, v]) => [k, String(v)])}; })()`, &form)
	post := func(entry string, drop string) url.Values {
		v := url.Values{}
		for _, kv := range form.Fields {
			if kv[0] != drop {
				v.Set(kv[0], kv[1])
			}
		}
		v.Set("entry", entry)
		v.Set("comment", "security test")
		return v
	}
	if post("x", "").Get("csrf") == "" {
		t.Fatalf("the whitelist form has no csrf field: %v", form.Fields)
	}
	origin := ui.base
	refused("a POST from a foreign Origin", req{method: "POST", url: form.Action, origin: "http://evil.example", form: post("192.0.2.61", ""), cookies: cookies}, anyRefusal...)
	refused("a POST without the CSRF token", req{method: "POST", url: form.Action, origin: origin, form: post("192.0.2.62", "csrf"), cookies: cookies}, anyRefusal...)
	wrong := post("192.0.2.63", "")
	wrong.Set("csrf", "0"+wrong.Get("csrf")[1:])
	if wrong.Get("csrf") == post("x", "").Get("csrf") {
		wrong.Set("csrf", "1"+wrong.Get("csrf")[1:])
	}
	refused("a POST with a wrong CSRF token", req{method: "POST", url: form.Action, origin: origin, form: wrong, cookies: cookies}, anyRefusal...)
	refused("a POST without the cookie", req{method: "POST", url: form.Action, origin: origin, form: post("192.0.2.64", "")}, denied...)

	// Another user's window: its session is not valid in this one, nor
	// this one's in it.
	other := startUI(t, l.bin, l.d.socket, uidBo)
	code, hdr, body := do(req{method: "GET", url: other.url})
	var otherCookies []*http.Cookie
	for _, line := range hdr.Values("Set-Cookie") {
		k, err := http.ParseSetCookie(line)
		if err != nil {
			t.Fatalf("Set-Cookie %q: %v", line, err)
		}
		if !k.HttpOnly || k.SameSite != http.SameSiteStrictMode {
			t.Errorf("Set-Cookie %q: want HttpOnly; SameSite=Strict", line)
		}
		otherCookies = append(otherCookies, &http.Cookie{Name: k.Name, Value: k.Value})
	}
	if code != http.StatusSeeOther || len(otherCookies) == 0 {
		t.Fatalf("the other user's login: %d, cookies %v: %.200q", code, otherCookies, body)
	}
	if code, _, _ := do(req{method: "GET", url: other.base + "/log", cookies: otherCookies}); code != http.StatusOK {
		t.Errorf("the other user's own session: GET /log answered %d", code)
	}
	refused("this user's cookie at the other user's window", req{method: "GET", url: other.base + "/log", cookies: cookies}, denied...)
	refused("the other user's cookie at this window", req{method: "GET", url: ui.base + "/log", cookies: otherCookies}, denied...)
	refused("a POST with the other user's cookie", req{method: "POST", url: form.Action, origin: origin, form: post("192.0.2.65", ""), cookies: otherCookies}, denied...)
	// Another user's program with this user's own cookie (read from the
	// browser's profile, say): refused for who is asking.
	if code := statusAs(t, uidBo, ui.host, "/log", cookies); code != http.StatusForbidden {
		t.Errorf("uid %d with this user's cookie: %d, want 403", uidBo, code)
	} else {
		t.Logf("uid %d with this user's cookie: %d", uidBo, code)
	}
	if code := statusAs(t, uidAl, ui.host, "/log", cookies); code != http.StatusOK {
		t.Errorf("uid %d (the window's user) with its cookie, the same way: %d, want 200", uidAl, code)
	}

	for _, e := range []string{"192.0.2.61", "192.0.2.62", "192.0.2.63", "192.0.2.64", "192.0.2.65"} {
		if l.whitelisted(e) {
			t.Errorf("a refused request whitelisted %s", e)
		}
	}
	// The same POST with every piece is taken: the refusals above were for
	// what each lacked.
	if code, _, body := do(req{method: "POST", url: form.Action, origin: origin, form: post("192.0.2.66", ""), cookies: cookies}); code >= 400 {
		t.Errorf("the complete POST: %d: %.200q", code, body)
	}
	if !l.whitelisted("192.0.2.66") {
		t.Errorf("the complete POST did not whitelist 192.0.2.66")
	}
}

// statusAs sends GET path with cookies to the window at host (127.0.0.1:PORT)
// from a program of uid (nc, under setpriv), and returns the status. nc
// keeps its side open until the answer (no -N): the window looks the
// connection's owner up among established sockets.
func statusAs(t *testing.T, uid uint32, host, path string, cookies []*http.Cookie) int {
	t.Helper()
	var kv []string
	for _, k := range cookies {
		kv = append(kv, k.Name+"="+k.Value)
	}
	addr, port, _ := strings.Cut(host, ":")
	cmd := exec.Command("setpriv", "--reuid="+strconv.Itoa(int(uid)), "--regid=65534", "--clear-groups", "nc", "-w", "10", addr, port)
	cmd.Stdin = strings.NewReader(fmt.Sprintf("GET %s HTTP/1.0\r\nHost: %s\r\nCookie: %s\r\n\r\n", path, host, strings.Join(kv, "; ")))
	out, err := cmd.Output()
	status, _, _ := strings.Cut(string(out), "\r\n")
	f := strings.Fields(status)
	if err != nil || len(f) < 2 {
		t.Fatalf("GET %s as uid %d: %v: %.200q", path, uid, err, out)
	}
	code, err := strconv.Atoi(f[1])
	if err != nil {
		t.Fatalf("GET %s as uid %d: status line %q", path, uid, status)
	}
	return code
}
