package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"servicebot/locales"
)

//go:embed *.html
var webFiles embed.FS

// webTemplates holds one template set per page: the layout and the page.
var webTemplates = func() map[string]*template.Template {
	funcs := template.FuncMap{
		// args builds the data of a localized message: args "Count" 3.
		"args": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(webFiles, "layout.html", "chart.html"))
	out := map[string]*template.Template{}
	for _, page := range []string{"ratings", "centre", "notice", "overview", "lowratings", "mystery"} {
		out[page] = template.Must(template.Must(base.Clone()).ParseFS(webFiles, page+".html"))
	}
	return out
}()

// webLangs are the languages the pages offer, in the switch's order.
var webLangs = []string{locales.Ukrainian, locales.Russian}

// webPage is what every page's layout reads.
type webPage struct {
	Lang     string
	Title    string
	Switch   []webLangLink
	T        func(id string, data ...map[string]any) string
	CSRF     string // set on the dashboard's pages: the logout form carries it
	Staff    bool   // the dashboard's navigation
	Nav      string // the dashboard page shown
	Body     any
	Filter   *webFilter
	NoIndex  bool
	BasePath string
}

type webLangLink struct {
	Code, Name, URL string
	Current         bool
}

// pageLang is the language of a request: ?lang=, else the browser's
// Accept-Language, else the pack's first language.
func (a *Pages) pageLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); isWebLang(l) {
		return l
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if isWebLang(primary) {
			return primary
		}
	}
	if a.Pack != nil && isWebLang(a.Pack.Languages[0]) {
		return a.Pack.Languages[0]
	}
	return locales.Ukrainian
}

func isWebLang(l string) bool {
	for _, w := range webLangs {
		if l == w {
			return true
		}
	}
	return false
}

// newPage starts a page in lang whose language switch keeps the request's
// other parameters.
func (a *Pages) newPage(r *http.Request, lang, titleID string) *webPage {
	p := &webPage{Lang: lang, T: func(id string, data ...map[string]any) string { return a.Text.Text(lang, id, data...) }}
	p.Title = p.T(titleID)
	for _, l := range webLangs {
		q := r.URL.Query()
		q.Set("lang", l)
		p.Switch = append(p.Switch, webLangLink{Code: l, Name: a.Text.Text(l, "language.name"), URL: r.URL.Path + "?" + q.Encode(), Current: l == lang})
	}
	return p
}

// render writes a page. Rendering into a buffer first means a template
// error becomes a clean 500, not half a page.
func (a *Pages) render(w http.ResponseWriter, status int, name string, p *webPage) {
	var buf bytes.Buffer
	if err := webTemplates[name].ExecuteTemplate(&buf, "layout.html", p); err != nil {
		a.Log.Error("cannot render a page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", p.Lang)
	webSecurityHeaders(h)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// webSecurityHeaders: no script runs, nothing is framed, and a login link's
// token does not leak through Referer.
func webSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

// barChart is an SVG chart whose geometry is worked out here, so that the
// template only draws.
type barChart struct {
	Label         string // aria-label
	Width, Height float64
	Bars          []chartBar
	Horizontal    bool
}

type chartBar struct {
	Label, Value, Title string
	X, Y, W, H          float64
	LabelX, LabelY      float64
	ValueX, ValueY      float64
}

type chartItem struct {
	Label string
	Value float64 // 0–5
	Title string  // shown on hover
}

const chartWidth = 360

// criteriaChart draws one horizontal bar per item on a 0–5 scale, the label
// above each bar and the value after it.
func criteriaChart(lang, label string, items []chartItem) barChart {
	const row, barH, labelH, track = 44.0, 16.0, 18.0, 300.0
	c := barChart{Label: label, Width: chartWidth, Height: row * float64(len(items)), Horizontal: true}
	for i, it := range items {
		y := float64(i) * row
		w := track * it.Value / 5
		c.Bars = append(c.Bars, chartBar{
			Label: it.Label, Value: locales.Decimal(lang, it.Value), Title: it.Title,
			X: 0, Y: y + labelH, W: w, H: barH,
			LabelX: 0, LabelY: y + 13,
			ValueX: w + 6, ValueY: y + labelH + 13,
		})
	}
	return c
}

// trendChart draws one vertical bar per item (a month) on a 0–5 scale.
func trendChart(lang, label string, items []chartItem) barChart {
	const height, top, bottom = 180.0, 20.0, 22.0
	c := barChart{Label: label, Width: chartWidth, Height: height}
	if len(items) == 0 {
		return c
	}
	slot := chartWidth / float64(len(items))
	w := slot * 0.6
	plot := height - top - bottom
	for i, it := range items {
		h := plot * it.Value / 5
		x := float64(i)*slot + (slot-w)/2
		c.Bars = append(c.Bars, chartBar{
			Label: it.Label, Value: locales.Decimal(lang, it.Value), Title: it.Title,
			X: x, Y: top + plot - h, W: w, H: h,
			LabelX: x + w/2, LabelY: height - 6,
			ValueX: x + w/2, ValueY: top + plot - h - 5,
		})
	}
	return c
}
