package dialogs

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Problem is something wrong in a pack, with where it is.
type Problem struct {
	Pos Pos
	Msg string
}

func (p Problem) String() string { return p.Pos.String() + ": " + p.Msg }

// Limits content must keep so that Telegram accepts every message.
const (
	MaxAnswer      = 3500 // characters after HTML parsing; links are added below
	MaxButtonLabel = 120  // a question shown on a button
	MaxTitle       = 64
)

var (
	entryIDPattern  = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	itemIDPattern   = regexp.MustCompile(`^[a-z0-9_]{1,24}$`)
	centreIDPattern = regexp.MustCompile(`^[a-z0-9]{1,12}$`)
	numberPattern   = regexp.MustCompile(`^[0-9]{1,8}$`)
	clockPattern    = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	weekdays        = map[string]bool{"mon": true, "tue": true, "wed": true, "thu": true, "fri": true, "sat": true, "sun": true}
	channelKinds    = map[string]bool{"website": true, "booking": true, "integrity": true, "complaint": true, "hotline": true, "chatbot": true, "app": true}
	knownLanguages  = map[string]bool{"uk": true, "ru": true, "en": true}
)

// Validate checks a pack: unique ids, every language present, answers
// within Telegram's limits and in HTML Telegram accepts, well-formed links,
// references that resolve, and questionnaires the engine can walk. No
// problems means the pack is good.
func Validate(p *Pack) []Problem {
	var out []Problem
	bad := func(pos Pos, format string, args ...any) {
		out = append(out, Problem{Pos: pos, Msg: fmt.Sprintf(format, args...)})
	}
	texts := func(pos Pos, what string, t Text, limit int, html bool) {
		for _, lang := range p.Languages {
			s := strings.TrimSpace(t[lang])
			if s == "" {
				bad(pos, "%s: no %s text", what, lang)
				continue
			}
			plain := s
			if html {
				var err error
				plain, _, err = ParseHTML(s)
				if err != nil {
					bad(pos, "%s (%s): Telegram cannot parse the HTML: %v", what, lang, err)
					continue
				}
			}
			if n := UTF16Len(plain); limit > 0 && n > limit {
				bad(pos, "%s (%s): %d characters, at most %d", what, lang, n, limit)
			}
		}
		for lang := range t {
			if !p.Speaks(lang) {
				bad(pos, "%s: text in %q, which is not among the pack's languages %v", what, lang, p.Languages)
			}
		}
	}
	link := func(pos Pos, what, raw string) {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(raw, " \n\t\"<>") {
			bad(pos, "%s: %q is not a well-formed http(s) link", what, raw)
		}
	}
	unique := func(kind string) func(pos Pos, id string, pattern *regexp.Regexp) {
		seen := map[string]Pos{}
		return func(pos Pos, id string, pattern *regexp.Regexp) {
			if !pattern.MatchString(id) {
				bad(pos, "%s id %q: expected %s", kind, id, pattern.String())
			}
			if first, dup := seen[id]; dup {
				bad(pos, "%s id %q is used twice (first at %s)", kind, id, first)
			}
			seen[id] = pos
		}
	}

	if p.ID == "" {
		bad(p.Pos, "pack: no id")
	}
	if len(p.Languages) == 0 {
		bad(p.Pos, "pack: no languages")
	}
	for _, l := range p.Languages {
		if !knownLanguages[l] {
			bad(p.Pos, "pack: language %q is not one of uk, ru, en", l)
		}
	}
	texts(p.Pos, "pack name", p.Name, MaxTitle, false)
	if p.Timezone != "" {
		if _, err := time.LoadLocation(p.Timezone); err != nil {
			bad(p.Pos, "pack: timezone %q: %v", p.Timezone, err)
		}
	}
	hours := func(pos Pos, what string, list []BusinessHours) {
		for _, h := range list {
			for _, d := range h.Days {
				if !weekdays[d] {
					bad(pos, "%s: %q is not one of mon tue wed thu fri sat sun", what, d)
				}
			}
			if !clockPattern.MatchString(h.Open) || !clockPattern.MatchString(h.Close) || h.Open >= h.Close {
				bad(pos, "%s: %q–%q: expected HH:MM, opening before closing", what, h.Open, h.Close)
			}
		}
	}
	hours(p.Pos, "business_hours", p.BusinessHours)
	hours(p.Pos, "centre_hours", p.CentreHours)

	channel := unique("channel")
	for _, c := range p.Channels {
		channel(c.Pos, c.ID, itemIDPattern)
		if !channelKinds[c.Kind] {
			bad(c.Pos, "channel %s: kind %q is not one of website, booking, integrity, complaint, hotline, chatbot, app", c.ID, c.Kind)
		}
		texts(c.Pos, "channel "+c.ID+" title", c.Title, MaxTitle, false)
		// A channel is listed as «• title — note»: a dash in the title
		// doubles it, and the note goes on in lower case after it.
		for _, lang := range p.Languages {
			if strings.Contains(c.Title[lang], " — ") {
				bad(c.Pos, "channel %s: title (%s) has a dash; put what follows it into the note", c.ID, lang)
			}
		}
		for _, lang := range p.Languages {
			if r, _ := utf8.DecodeRuneInString(c.Note[lang]); unicode.IsUpper(r) {
				bad(c.Pos, "channel %s: note (%s) starts with a capital, but it follows a dash", c.ID, lang)
			}
		}
		if c.URL != "" {
			link(c.Pos, "channel "+c.ID, c.URL)
		}
	}
	category := unique("category")
	cats := map[string]bool{}
	for _, c := range p.Categories {
		category(c.Pos, c.ID, itemIDPattern)
		cats[c.ID] = true
		texts(c.Pos, "category "+c.ID+" title", c.Title, MaxTitle, false)
	}
	service := unique("service")
	services := map[string]bool{}
	for _, s := range p.Services {
		service(s.Pos, s.ID, itemIDPattern)
		services[s.ID] = true
		texts(s.Pos, "service "+s.ID+" name", s.Name, MaxTitle, false)
	}
	region := unique("region")
	regions := map[string]bool{}
	for _, r := range p.Regions {
		region(r.Pos, r.ID, itemIDPattern)
		regions[r.ID] = true
		texts(r.Pos, "region "+r.ID+" name", r.Name, MaxTitle, false)
	}
	for _, pl := range p.Places {
		what := "place " + pl.Name.In("uk", p.Languages...)
		texts(pl.Pos, what+" name", pl.Name, MaxTitle, false)
		if !regions[pl.Region] {
			bad(pl.Pos, "%s: region %q is not in regions.yaml", what, pl.Region)
		}
		if math.Abs(pl.Lat) > 90 || math.Abs(pl.Lon) > 180 {
			bad(pl.Pos, "%s: %v, %v is not a latitude and longitude", what, pl.Lat, pl.Lon)
		}
	}
	centre := unique("centre")
	for _, c := range p.Centres {
		centre(c.Pos, c.ID, centreIDPattern)
		texts(c.Pos, "centre "+c.ID+" name", c.Name, MaxTitle, false)
		texts(c.Pos, "centre "+c.ID+" city", c.City, MaxTitle, false)
		// A source may place an office without giving its address: the
		// centre then needs its own coordinates (the map shows the place)
		// and a note telling people so.
		if c.Address.In("", p.Languages...) == "" && (c.Lat == 0 && c.Lon == 0 || c.Note.In("", p.Languages...) == "") {
			bad(c.Pos, "centre %s: no address (without one, a centre needs its own lat/lon and a note saying the source gives none)", c.ID)
		}
		if c.Number != "" && !numberPattern.MatchString(c.Number) {
			bad(c.Pos, "centre %s: number %q: expected digits", c.ID, c.Number)
		}
		if len(p.Regions) > 0 && !regions[c.Region] {
			bad(c.Pos, "centre %s: region %q is not in regions.yaml", c.ID, c.Region)
		}
		if math.Abs(c.Lat) > 90 || math.Abs(c.Lon) > 180 {
			bad(c.Pos, "centre %s: %v, %v is not a latitude and longitude", c.ID, c.Lat, c.Lon)
		}
		hours(c.Pos, "centre "+c.ID+" opening", c.Opening)
		for _, s := range c.Services {
			if !services[s] {
				bad(c.Pos, "centre %s: service %q is not in services.yaml", c.ID, s)
			}
		}
		if c.Map != "" {
			link(c.Pos, "centre "+c.ID+" map", c.Map)
		}
	}

	// A former name leads to a town of the list, and says what renamed it.
	towns := map[string]bool{}
	for _, c := range p.Centres {
		for _, name := range c.City {
			towns[name] = true
		}
	}
	for _, r := range p.Renamings {
		what := "renaming to " + r.Town
		if !towns[r.Town] {
			bad(r.Pos, "%s: no centre is in a town of that name", what)
		}
		if len(r.Former) == 0 {
			bad(r.Pos, "%s: no former name", what)
		}
		if strings.TrimSpace(r.Source) == "" {
			bad(r.Pos, "%s: no source (the act that renamed it)", what)
		}
	}

	entry := unique("entry")
	ids := map[string]bool{}
	for _, e := range p.Entries {
		ids[e.ID] = true
	}
	for _, e := range p.Entries {
		what := "entry " + e.ID
		entry(e.Pos, e.ID, entryIDPattern)
		if !cats[e.Category] {
			bad(e.Pos, "%s: category %q is not in pack.yaml", what, e.Category)
		}
		texts(e.Pos, what+" question", e.Question, MaxButtonLabel, false)
		texts(e.Pos, what+" answer", e.Answer, MaxAnswer, true)
		for _, lang := range p.Languages {
			if namesCommand(WithoutCommand(e.Answer[lang], "/report"), "/report") {
				bad(e.Pos, "%s answer (%s): /report is offered on a line that cannot be left out where the bot takes no reports; give it a line of its own", what, lang)
			}
		}
		for lang := range e.Phrasings {
			if !p.Speaks(lang) {
				bad(e.Pos, "%s: phrasings in %q, which is not among the pack's languages", what, lang)
			}
		}
		for _, l := range e.Links {
			link(e.Pos, what, l.URL)
			texts(e.Pos, what+" link title", l.Title, MaxTitle, false)
		}
		if e.Action != "" && e.Action != ActionFindCentre {
			bad(e.Pos, "%s: action %q is not one of %s", what, e.Action, ActionFindCentre)
		}
		for _, r := range e.Related {
			if r == e.ID {
				bad(e.Pos, "%s: related to itself", what)
			} else if !ids[r] {
				bad(e.Pos, "%s: related entry %q does not exist", what, r)
			}
		}
	}
	if b := p.Matching.Bribe; b != "" && !ids[b] {
		bad(p.Matching.Pos, "matching: bribe entry %q does not exist", b)
	}
	validateQuestionnaires(p, bad, texts)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Pos.File != out[j].Pos.File {
			return out[i].Pos.File < out[j].Pos.File
		}
		return out[i].Pos.Line < out[j].Pos.Line
	})
	return out
}

// Warnings are what a pack can ship with but should not for long: centres
// whose place is unknown, so that "nearest" never offers them.
func Warnings(p *Pack) []Problem {
	var out []Problem
	lang := ""
	if len(p.Languages) > 0 {
		lang = p.Languages[0]
	}
	for _, c := range p.Centres {
		if _, _, ok := p.Where(c); !ok {
			out = append(out, Problem{Pos: c.Pos, Msg: fmt.Sprintf("centre %s (%s): no coordinates, neither its own nor for %s in places.yaml; it is never offered as nearest",
				c.ID, c.Name.In(lang), c.City.In(lang))})
		}
	}
	return out
}
