package ui

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
)

//go:embed assets
var assets embed.FS

// pageSize is the alerts one Log page shows.
const pageSize = 100

func parsePages() (*template.Template, error) {
	return template.New("ui").Funcs(template.FuncMap{
		"when":            when,
		"rfc3339":         func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"remaining":       func(sec int64) string { return (time.Duration(sec) * time.Second).String() },
		"scanText":        scanText,
		"blockText":       blockText,
		"denyProgram":     denyProgram,
		"denyDestination": denyDestination,
	}).ParseFS(assets, "assets/*.html")
}

// staticFiles serves the stylesheet and the script.
func staticFiles() http.Handler {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	files := http.FileServerFS(sub)
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, ".css") && !strings.HasSuffix(r.URL.Path, ".js") {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	}))
}

// navItem is a tab of the navigation.
type navItem struct {
	Path, Title string
	Current     bool
}

// pageData is what the layout renders.
type pageData struct {
	Tab, Title string
	Kinds      string // the stream's kinds that change the page's lists
	CSRF       string
	Flash      *flash
	Nav        []navItem
	Data       any
}

// pageRoute is a tab: its path and how to load its data.
type pageRoute struct {
	path, tab, title, kinds string
	load                    func(ctx context.Context, r *http.Request, se *session) (any, error)
}

func (s *Server) pageRoutes() []pageRoute {
	return []pageRoute{
		{path: "/log", tab: "log", title: "Log", load: s.loadLog},
		{path: "/blacklist", tab: "blacklist", title: "Blacklist", kinds: "blocks settings", load: s.loadBlacklist},
		{path: "/whitelist", tab: "whitelist", title: "Whitelist", kinds: "whitelist", load: s.loadWhitelist},
		{path: "/outbound", tab: "outbound", title: "Outbound", kinds: "queue rules", load: s.loadOutbound},
		{path: "/status", tab: "status", title: "Status", kinds: "alert blocks settings", load: s.loadStatus},
		{path: "/reports", tab: "reports", title: "Reports", load: s.loadReports},
	}
}

// page serves a tab, or with ?fragment=1 only its lists (#live).
func (s *Server) page(p pageRoute) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		se := sessionOf(r)
		fragment := r.URL.Query().Get("fragment") == "1"
		d := pageData{Tab: p.tab, Title: p.title, Kinds: p.kinds, CSRF: se.csrf}
		data, err := p.load(r.Context(), r, se)
		d.Data = data
		if !fragment {
			d.Flash = s.sess.takeFlash(se)
			if err != nil {
				d.Flash = joinFlash(d.Flash, flash{Text: err.Error(), Error: true})
			}
			for _, q := range s.pageRoutes() {
				d.Nav = append(d.Nav, navItem{Path: q.path, Title: q.title, Current: q.path == p.path})
			}
		}
		name := "page"
		if fragment {
			name = "live"
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := s.pages.ExecuteTemplate(w, name, d); err != nil {
			s.log.Warn("page", "tab", p.tab, "err", err)
		}
	}
}

// joinFlash shows an action's outcome and a load failure together.
func joinFlash(a *flash, b flash) *flash {
	if a == nil {
		return &b
	}
	return &flash{Text: a.Text + "; " + b.Text, Error: a.Error || b.Error}
}

// alertRow is an alert as its row shows it, with the session's CSRF
// token for its buttons.
type alertRow struct {
	A     alerts.Alert // a named field: the template finds promoted ones slowly
	Block *alerts.Block
	CSRF  string
}

func rowOf(a control.AlertRecord, csrf string) alertRow {
	return alertRow{A: a.Alert, Block: a.Block, CSRF: csrf}
}

type logView struct {
	Rows  []alertRow
	Older int64 // the cursor of the next page, 0 when none
	Paged bool  // an older page: live alerts do not go on it
	Min   int   // the lowest level shown (0: all)
	// Levels are the filter's choices.
	Levels []int
}

// loadLog is one page of alerts, newest first: pageSize rows before the
// cursor (the id after ?before=), the session's ignored attackers left
// out. Opening the first page marks the alerts seen (the tray stops
// asking for attention).
func (s *Server) loadLog(ctx context.Context, r *http.Request, se *session) (any, error) {
	v := logView{Levels: []int{0, 2, 3, 4, 5}}
	q := r.URL.Query()
	before, err := parseCursor(q.Get("before"))
	if err != nil {
		return v, err
	}
	if v.Min, err = parseLevel(q.Get("min")); err != nil {
		return v, err
	}
	v.Paged = before > 0
	list, err := s.cfg.Daemon.Alerts(ctx, control.AlertQuery{Limit: pageSize + 1, Before: before, MinLevel: v.Min})
	if err != nil {
		return v, fmt.Errorf("alerts: %w", err)
	}
	if len(list) > pageSize {
		list = list[:pageSize]
		v.Older = list[pageSize-1].ID
	}
	for _, a := range list {
		if !s.sess.ignores(se, a.Src) {
			v.Rows = append(v.Rows, rowOf(a, se.csrf))
		}
	}
	if !v.Paged && len(list) > 0 && q.Get("fragment") != "1" {
		if err := s.cfg.Daemon.MarkSeen(ctx, list[0].ID); err != nil {
			s.log.Info("marking the alerts seen", "err", err)
		}
	}
	return v, nil
}

type blacklistView struct {
	Blocks   []block.Active
	Blocking *control.BlockingStatus
}

func (s *Server) loadBlacklist(ctx context.Context, _ *http.Request, _ *session) (any, error) {
	var v blacklistView
	list, err := s.cfg.Daemon.Blocks(ctx)
	if err != nil {
		return v, fmt.Errorf("blocks: %w", err)
	}
	v.Blocks = list
	if st, err := s.cfg.Daemon.Status(ctx); err == nil {
		v.Blocking = st.Blocking
	}
	return v, nil
}

type whitelistView struct{ List *control.Whitelist }

func (s *Server) loadWhitelist(ctx context.Context, _ *http.Request, _ *session) (any, error) {
	wl, err := s.cfg.Daemon.Whitelist(ctx)
	if err != nil {
		return whitelistView{}, fmt.Errorf("whitelist: %w", err)
	}
	return whitelistView{List: wl}, nil
}

type outboundView struct {
	Questions []verdict.Question
	Rules     []control.Rule
	Verdicts  []verdict.Given
}

func (s *Server) loadOutbound(ctx context.Context, _ *http.Request, _ *session) (any, error) {
	var v outboundView
	var err error
	if v.Questions, err = s.cfg.Daemon.Queue(ctx); err != nil {
		return v, fmt.Errorf("questions: %w", err)
	}
	if v.Rules, err = s.cfg.Daemon.Rules(ctx); err != nil {
		return v, fmt.Errorf("rules: %w", err)
	}
	if v.Verdicts, err = s.cfg.Daemon.Verdicts(ctx); err != nil {
		return v, fmt.Errorf("recent verdicts: %w", err)
	}
	return v, nil
}

type statusView struct{ Status *control.Status }

func (s *Server) loadStatus(ctx context.Context, _ *http.Request, _ *session) (any, error) {
	st, err := s.cfg.Daemon.Status(ctx)
	if err != nil {
		return statusView{}, fmt.Errorf("status: %w", err)
	}
	return statusView{Status: st}, nil
}

// seen is POST /log/seen (the Log page's script, when a live alert shows
// while the page is in view): the alerts up to up_to are seen. It
// answers 204, not a page: the flash stays for the next one.
func (s *Server) seen(w http.ResponseWriter, r *http.Request) {
	upTo, err := parseCursor(r.PostForm.Get("up_to"))
	if err != nil || upTo == 0 {
		http.Error(w, "ifw ui: up_to: want an alert id", http.StatusBadRequest)
		return
	}
	if err := s.cfg.Daemon.MarkSeen(r.Context(), upTo); err != nil {
		http.Error(w, "ifw ui: "+err.Error(), http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
