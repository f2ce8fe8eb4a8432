package ui

import (
	"regexp"
	"strings"
	"testing"
)

// TestReports: the Reports tab frames /reports/html of the period, which
// serves the daemon's report under its own, sandboxed policy.
func TestReports(t *testing.T) {
	d := newFakeDaemon(t)
	u := startUI(t, d, 0)
	u.login()
	_, page := u.get("/reports?from=2026-12-01T08:00&to=2026-12-02T08:00")
	m := regexp.MustCompile(`<iframe id="report" title="report" src="([^"]+)">`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `<form id="report-form"`) {
		t.Fatalf("reports page: %s", page)
	}
	src := strings.ReplaceAll(m[1], "&amp;", "&")
	if !strings.HasPrefix(src, "/reports/html?from=2026-12-01T") {
		t.Errorf("frame %q", src)
	}
	resp, body := u.get(src)
	if resp.StatusCode != 200 || !strings.Contains(body, "<html") || !strings.Contains(body, "2026-12-01") {
		t.Fatalf("report: %s %q", resp.Status, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); csp != reportCSP || !strings.Contains(csp, "sandbox") {
		t.Errorf("report CSP %q", csp)
	}
	if _, page := u.get("/reports?from=2026-12-02T08:00&to=2026-12-01T08:00"); !strings.Contains(page, `class="error"`) {
		t.Error("a backwards period is not an error")
	}
	if resp, _ := u.get("/reports/html?from=x"); resp.StatusCode != 400 {
		t.Errorf("bad period: %s", resp.Status)
	}
}
