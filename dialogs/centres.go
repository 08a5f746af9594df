package dialogs

import (
	"errors"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Where returns where a centre is: its own coordinates, else its
// settlement's from places.yaml. ok is false when neither is known.
func (p *Pack) Where(c Centre) (lat, lon float64, ok bool) {
	return p.where(c, nil)
}

// where is Where with the places indexed by region and name, when given.
func (p *Pack) where(c Centre, places map[[2]string]Place) (lat, lon float64, ok bool) {
	if c.Lat != 0 || c.Lon != 0 {
		return c.Lat, c.Lon, true
	}
	if places != nil {
		pl, ok := places[[2]string{c.Region, c.City.In(p.firstLanguage())}]
		return pl.Lat, pl.Lon, ok && (pl.Lat != 0 || pl.Lon != 0)
	}
	for _, pl := range p.Places {
		if pl.Region == c.Region && pl.Name.In(p.firstLanguage()) == c.City.In(p.firstLanguage()) && (pl.Lat != 0 || pl.Lon != 0) {
			return pl.Lat, pl.Lon, true
		}
	}
	return 0, 0, false
}

// NameAndTown are how a centre is named to a person wherever it stands
// alone (a poster, a questionnaire's summary): its name, and its town so
// that one town's «ТСЦ МВС № 5154» is not taken for another's. Two centres
// may share a name and a town too (Konotop's office and its exam ground):
// the town then says which this is, by the centre's note or else its
// address.
func (p *Pack) NameAndTown(c Centre, lang string) (name, town string) {
	name, town = p.Local(c.Name, lang), p.Local(c.City, lang)
	for _, o := range p.Centres {
		if o.ID == c.ID || p.Local(o.Name, lang) != name {
			continue
		}
		if what := p.Local(c.Note, lang); what != "" {
			return name, town + " · " + what
		}
		if addr := p.Local(c.Address, lang); addr != "" {
			return name, town + " · " + addr
		}
	}
	return name, town
}

func (p *Pack) firstLanguage() string {
	if len(p.Languages) == 0 {
		return ""
	}
	return p.Languages[0]
}

// Distance is the great-circle distance in kilometres between two points
// given in degrees (the haversine formula on a sphere of the Earth's mean
// radius).
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	const earthKm = 6371.0088
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

// Nearby is a centre and how far it is. Approx is true when the centre's
// own place is not known and the distance is to its settlement.
type Nearby struct {
	Centre Centre
	Km     float64
	Approx bool
}

// Nearest returns up to n centres closest to lat, lon, nearest first.
// Centres with no known place are left out.
func (p *Pack) Nearest(lat, lon float64, n int) []Nearby {
	places := make(map[[2]string]Place, len(p.Places))
	for _, pl := range p.Places {
		places[[2]string{pl.Region, pl.Name.In(p.firstLanguage())}] = pl
	}
	// Sort indexes, not centres: a Centre is large to move.
	type dist struct {
		i  int
		km float64
	}
	// Where a town's offices are placed each by its own point, one placed
	// only by the town's would come out «≈ 300 m» from anyone in its
	// middle (Moscow): it is left out of the nearest.
	exact := map[[2]string]bool{}
	for _, c := range p.Centres {
		if c.Lat != 0 || c.Lon != 0 {
			exact[[2]string{c.Region, c.City.In(p.firstLanguage())}] = true
		}
	}
	var ds []dist
	for i, c := range p.Centres {
		if c.Lat == 0 && c.Lon == 0 && exact[[2]string{c.Region, c.City.In(p.firstLanguage())}] {
			continue
		}
		if clat, clon, ok := p.where(c, places); ok {
			ds = append(ds, dist{i, Distance(lat, lon, clat, clon)})
		}
	}
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].km < ds[j].km })
	if len(ds) > n {
		ds = ds[:n]
	}
	out := make([]Nearby, len(ds))
	for k, d := range ds {
		c := p.Centres[d.i]
		out[k] = Nearby{Centre: c, Km: d.km, Approx: c.Lat == 0 && c.Lon == 0}
	}
	return out
}

// CentreByNumber returns the first centre with the number people know it by.
func (p *Pack) CentreByNumber(number string) (Centre, bool) {
	for _, c := range p.Centres {
		if c.Number != "" && c.Number == number {
			return c, true
		}
	}
	return Centre{}, false
}

// townWords are words people put around a town's name or a centre's
// number («м. Одеса», «ТСЦ № 5154», «город Харьков», «я живу в Одессе»),
// folded. Saying where one lives is no place: «живу», its ending cut,
// was a typo away from «Київ».
var townWords = foldedSet("м г с смт пгт місто город село район районе поселение метро станция станція ст тсц мвс мвд сц мфц центр сервісний сервисный в у на де где " +
	"живу живем живём живет живёт живут живемо живе живуть мешкаю мешкаємо мешкає мешкають проживаю проживаем проживаємо проживает проживає " +
	"нахожусь находимся знаходжусь знаходжуся перебуваю")

// squash folds a name for comparing towns: the FAQ's folding, then no
// spaces, hyphens or doubled letters («Одесса» and «odesa» meet).
func squash(s string) string {
	var b strings.Builder
	var last rune
	for _, r := range Fold(s) {
		if r == ' ' || r == '-' || r == last {
			continue
		}
		b.WriteRune(r)
		last = r
	}
	return b.String()
}

// FindCentres finds the centres someone means by what they typed: a
// centre's number («5154», «ТСЦ № 5154») or a town in Ukrainian, Russian or
// Latin letters, with a typo or two («Одеса», «Одесса», «odesa»). Centres of
// the best-matching towns come first; nil when nothing is close.
func (p *Pack) FindCentres(query string) []Centre {
	found, _ := p.findCentres(query)
	return found
}

// TownTyped finds the centres of a town or a number typed alone and
// exactly («Львів», «Киев», «5154», «м. Ізмаїл»): what a citizen types who
// wants their centre and has not asked anything. Unlike FindCentres it
// allows no typo, so that a word meant otherwise is not taken for a town.
func (p *Pack) TownTyped(text string) []Centre {
	if len(strings.Fields(text)) > 3 {
		return nil
	}
	found, score := p.findCentres(text)
	if score != 0 {
		return nil
	}
	return found
}

// findCentres is FindCentres with how far the best town is (townScore; 0
// for a number).
func (p *Pack) findCentres(query string) ([]Centre, int) {
	return p.findCentresBy(query, p.townNames())
}

// townNames are each centre's town's names and its district's names and
// their parts («Выхино» of «Выхино-Жулебино»), squashed: worked out once
// for the many forms of a question's words that are tried.
type townNames struct{ cities, districts [][]string }

func (p *Pack) townNames() townNames {
	n := townNames{cities: make([][]string, len(p.Centres)), districts: make([][]string, len(p.Centres))}
	for i, c := range p.Centres {
		for _, name := range c.City {
			n.cities[i] = append(n.cities[i], squash(name))
		}
		for _, name := range c.District {
			n.districts[i] = append(n.districts[i], squash(name))
			for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == ' ' }) {
				n.districts[i] = append(n.districts[i], squash(part))
			}
		}
	}
	return n
}

// findCentresBy is findCentres with the centres' names worked out.
func (p *Pack) findCentresBy(query string, names townNames) ([]Centre, int) {
	var words []string
	for _, w := range strings.Fields(Fold(p.renamed(query))) {
		if !townWords[w] {
			words = append(words, w)
		}
	}
	if len(words) == 1 && isDigits(words[0]) {
		var out []Centre
		for _, c := range p.Centres {
			if c.Number == words[0] {
				out = append(out, c)
			}
		}
		return out, 0
	}
	q := squash(strings.Join(words, " "))
	if q == "" {
		return nil, -1
	}
	best := -1
	var out []Centre
	for i, c := range p.Centres {
		score := -1
		for _, name := range names.cities[i] {
			if s := townScore(q, name); s >= 0 && (score < 0 || s < score) {
				score = s
			}
		}
		// A district (Moscow's) is met by its name or one typo, never
		// as a prefix or two typos away: «Тверь» is not «Тверской», nor
		// «Пушкино» «Щукино».
		if s := districtScore(q, names.districts[i]); s >= 0 && (score < 0 || s < score) {
			score = s
		}
		switch {
		case score < 0:
		case best < 0 || score < best:
			best, out = score, []Centre{c}
		case score == best:
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	if best >= 2 {
		// A typo away from a town with centres, but the name of a real
		// place itself («Фастове», Fastiv, is not «Усатове»): not this.
		if _, ok := p.PlaceNamed(query); ok {
			return nil, -1
		}
	}
	return out, best
}

// townScore is how far q is from the town's name: 0 the same, 1 a prefix
// of it, 2+ a typo away; -1 too far.
func townScore(q, name string) int {
	if q == name {
		return 0
	}
	qr, nr := []rune(q), []rune(name)
	if len(qr) >= 4 && strings.HasPrefix(name, q) {
		return 1
	}
	// Three letters are too few to be a typo away from anything: «жив»
	// («живу» less its ending) is not «Київ».
	allowed := 0
	switch {
	case len(qr) >= 7:
		allowed = 2
	case len(qr) >= 4:
		allowed = 1
	}
	if max(len(qr)-len(nr), len(nr)-len(qr)) > allowed {
		return -1 // more letters apart than typos allowed: no need to count
	}
	if d := editDistance(qr, nr); d <= allowed {
		return 1 + d
	}
	return -1
}

// districtScore is townScore for a district's names, or their parts
// (squashed): 0 the same, 2 one typo away (five letters or more), -1 else.
func districtScore(q string, parts []string) int {
	best := -1
	for _, part := range parts {
		switch {
		case q == part:
			return 0
		case len([]rune(q)) >= 5 && editDistance([]rune(q), []rune(part)) <= 1:
			best = 2
		}
	}
	return best
}

// editDistance is the Damerau–Levenshtein (optimal string alignment)
// distance: insertions, deletions, substitutions and swaps of neighbours.
func editDistance(a, b []rune) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func isDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

// Town is a settlement with centres, as the browser lists it.
type Town struct {
	Name    Text
	Centres []Centre
}

// RegionsWithCentres lists the pack's regions that have centres, in the
// order of regions.yaml.
func (p *Pack) RegionsWithCentres() []Region {
	has := map[string]bool{}
	for _, c := range p.Centres {
		has[c.Region] = true
	}
	var out []Region
	for _, r := range p.Regions {
		if has[r.ID] {
			out = append(out, r)
		}
	}
	return out
}

// Region returns the region with id, if the pack has it.
func (p *Pack) Region(id string) (Region, bool) {
	for _, r := range p.Regions {
		if r.ID == id {
			return r, true
		}
	}
	return Region{}, false
}

// Towns lists the settlements with centres in a region, the one with the
// most centres first, then by name; each town's centres by number.
func (p *Pack) Towns(region string) []Town {
	lang := p.firstLanguage()
	idx := map[string]int{}
	var out []Town
	for _, c := range p.Centres {
		if c.Region != region {
			continue
		}
		key := c.City[lang]
		i, ok := idx[key]
		if !ok {
			i = len(out)
			idx[key] = i
			out = append(out, Town{Name: c.City})
		}
		out[i].Centres = append(out[i].Centres, c)
	}
	for _, t := range out {
		sort.SliceStable(t.Centres, func(i, j int) bool { return t.Centres[i].Number < t.Centres[j].Number })
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i].Centres) != len(out[j].Centres) {
			return len(out[i].Centres) > len(out[j].Centres)
		}
		return out[i].Name[lang] < out[j].Name[lang]
	})
	return out
}

// Span is one stretch of opening hours, "08:00"–"17:00".
type Span struct{ Open, Close string }

// Opening tells a centre's hours on t's day (in the pack's timezone) and
// whether it is open at t: its own schedule, else the pack's centre_hours.
// known is false when neither is given (the centre's hours text is then
// all there is); no spans on a known day is a day off.
func (p *Pack) Opening(c Centre, t time.Time) (today []Span, open, known bool, err error) {
	hours := c.Opening
	if len(hours) == 0 {
		hours = p.CentreHours
	}
	if len(hours) == 0 {
		return nil, false, false, nil
	}
	loc := time.UTC
	if p.Timezone != "" {
		if loc, err = loadLocation(p.Timezone); err != nil {
			return nil, false, false, err
		}
	}
	t = t.In(loc)
	day := strings.ToLower(t.Weekday().String()[:3])
	now := t.Format("15:04")
	for _, h := range hours {
		for _, d := range h.Days {
			if d != day {
				continue
			}
			today = append(today, Span{Open: h.Open, Close: h.Close})
			if now >= h.Open && now < h.Close {
				open = true
			}
		}
	}
	sort.Slice(today, func(i, j int) bool { return today[i].Open < today[j].Open })
	return today, open, true, nil
}

// askWords are words of a question about where a centre is or when it is
// open; centreWords name a centre. CentresAsked needs one of each.
var askWords, centreWords = foldedSet("де где адреса адрес коли когда графік график години часы працює работает знаходиться находится розклад расписание відкритий открыт"),
	foldedSet("тсц мрео мрэо сервісний сервисный гсц рсц мвс мвд центр сц мфц госуслуг")

func foldedSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[Fold(w)] = true
	}
	return m
}

// caseEndings are the endings a town's name takes in «в Ізмаїлі», «в
// Одесі», «во Львове», «у Харкові», longest first.
var caseEndings = []string{"ому", "ови", "еви", "ах", "ях", "ом", "им", "и", "е", "у", "ю"}

// CentresAsked finds the centres a question asks about, when it asks
// where one is or when it is open: «коли працює тсц в ізмаїлі» (a town,
// in any case), «адреса мрео на перемоги» (a street), «графік тсц 5154» (a
// number). nil when the question is not such, or names no centre.
func (p *Pack) CentresAsked(question string) []Centre {
	if !AsksWhere(question) {
		return nil
	}
	return p.centresIn(strings.Fields(Fold(question)), true)
}

// AsksWhere tells a question of where a centre is or when it is open: an
// asking word («де», «адреса», «графік») and a centre's («тсц», «мфц»).
func AsksWhere(question string) bool {
	asks, names := false, false
	for _, w := range strings.Fields(Fold(question)) {
		asks = asks || askWords[w]
		names = names || centreWords[w]
	}
	return asks && names
}

// NamesCentre tells text that names a centre («тсц», «мфц», «сервисный
// центр»), asking or not.
func NamesCentre(text string) bool {
	for _, w := range strings.Fields(Fold(text)) {
		if centreWords[w] {
			return true
		}
	}
	return false
}

// nearWords say which centre is wanted without naming a place:
// «ближайший мфц», «найближчий тсц».
var nearWords = foldedSet("ближайший ближайшее ближайшая ближний найближчий найближче найближча")

// PlaceAfterCentre is what is typed after a centre's word and «в» when
// the text is only that, with asking words around it, and written as a
// name, with a capital: «мфц в Простоквашино», «где ближайший МФЦ в
// Урюпинске?» give «Простоквашино», «Урюпинске», as typed; «мфц в
// праздники», «мфц в субботу работает?» give nothing.
func PlaceAfterCentre(text string) (string, bool) {
	var words []string
	for _, w := range strings.Fields(text) {
		if w = strings.Trim(w, ".,!?;:«»\"()"); w != "" {
			words = append(words, w)
		}
	}
	for i := 0; i+2 < len(words); i++ {
		if !centreWords[Fold(words[i])] || !inWords[Fold(words[i+1])] {
			continue
		}
		place := words[i+2:]
		for len(place) > 0 && askWords[Fold(place[len(place)-1])] {
			place = place[:len(place)-1] // «мфц в Урюпинске где»
		}
		if len(place) == 0 || len(place) > 2 || !unicode.IsUpper([]rune(place[0])[0]) {
			return "", false
		}
		for _, w := range append(words[:i:i], place...) {
			f := Fold(w)
			if askWords[f] || centreWords[f] || nearWords[f] || townWords[f] || questionWords[f] {
				if slices.Contains(place, w) {
					return "", false // «мфц в центре», «тсц в мвс»
				}
				continue
			}
			if !slices.Contains(place, w) {
				return "", false // a word that is not asking: «записаться в мфц…»
			}
		}
		return strings.Join(place, " "), true
	}
	return "", false
}

// inWords are «в» and «у», as before a place.
var inWords = foldedSet("в во у")

// metroWords open a metro station's name: «метро Сокол», «м. Сокол»,
// «станция Сокол», «ст. м. Сокол».
var metroWords = foldedSet("метро м станция станція ст")

// MetroNamed tells text that names a metro station («метро Китай-город»,
// «м. Чистые пруды», «МФЦ рядом с метро Таганская»), and the station as
// typed: up to three words after «метро», two when more follow.
func MetroNamed(text string) (string, bool) {
	words := strings.Fields(text)
	for i := 0; i < len(words); i++ {
		if !metroWords[Fold(words[i])] {
			continue
		}
		j := i
		for j < len(words) && metroWords[Fold(words[j])] {
			j++
		}
		rest := words[j:]
		switch {
		case len(rest) == 0:
			return "", false
		case len(rest) > 3:
			if i == 0 {
				return "", false // «метро как пройти от станции до мфц»: a question
			}
			rest = rest[:2]
		}
		return strings.Trim(strings.Join(rest, " "), ".,!?;:«»\"()"), true
	}
	return "", false
}

// FoundByDistrict tells a pack whose centres are found by a district of
// their town (Moscow's offices) too.
func (p *Pack) FoundByDistrict() bool {
	for _, c := range p.Centres {
		if len(c.District) > 0 {
			return true
		}
	}
	return false
}

// CentresIn finds the centres a question already known to be about where
// a centre is names: «тсц у Львові», «найближчий сервісний центр у
// Вінниці», by a town in any case, a number or a street; nil when it names
// none.
func (p *Pack) CentresIn(question string) []Centre {
	return p.centresIn(strings.Fields(Fold(question)), true)
}

// TownIn finds the centres of a town named in any case («у Рівному», «в
// Одесі», «Умани»), or by a number; never by a street.
func (p *Pack) TownIn(text string) []Centre {
	return p.centresIn(strings.Fields(Fold(text)), false)
}

func (p *Pack) centresIn(words []string, streets bool) []Centre {
	var rest []string
	for _, w := range words {
		if askWords[w] || centreWords[w] || townWords[w] {
			continue
		}
		if isDigits(w) {
			if c, ok := p.CentreByNumber(w); ok {
				return p.FindCentres(c.Number)
			}
			continue
		}
		rest = append(rest, w)
	}
	// A town, one or two words long, in any case: the closest of the
	// words, so that a word a typo away from a town («сами», «Суми») does
	// not stand for the town named exactly after it.
	var town []Centre
	best := 3
	names := p.townNames()
	for n := 2; n >= 1 && best > 0; n-- {
		for i := 0; i+n <= len(rest) && best > 0; i++ {
			if len([]rune(squash(strings.Join(rest[i:i+n], " ")))) < 4 {
				continue
			}
			for _, form := range townForms(rest[i : i+n]) {
				// A case ending cut is guess enough: one typo more at most
				// («Львові» is «Львів»), never two («Коростишеві» is not
				// «Коростень»).
				if found, score := p.findCentresBy(form, names); len(found) > 0 && score < best {
					town, best = found, score
				}
			}
		}
	}
	if town != nil {
		return town
	}
	if !streets {
		return nil
	}
	// A street.
	var out []Centre
	for _, w := range rest {
		if len([]rune(w)) < 5 {
			continue
		}
		for _, c := range p.Centres {
			for _, addr := range c.Address {
				if strings.Contains(Fold(addr), w) {
					out = append(out, c)
					break
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// townForms are the forms a town's name of one or two folded words
// («билии церкви») may be compared in, squashed: the last word as it is
// and less a case ending; a word before it (an adjective: «Білій», «Кривому»,
// «Белой») also in its nominative («била», «кривии», «белая»).
func townForms(words []string) []string {
	firsts := []string{""}
	if len(words) == 2 {
		firsts = adjectiveForms(words[0], foldedAdjectiveCuts)
	}
	var out []string
	for _, first := range firsts {
		for _, last := range inflected(words[len(words)-1]) {
			out = append(out, squash(first+last))
		}
	}
	return out
}

// inflected is a folded word and the word less a case ending; after «и»
// (Ukrainian «і») also with the consonant the locative changes put back
// («Розі» → «Ріг», as «нозі» → «нога»).
func inflected(w string) []string {
	out := []string{w}
	for _, e := range caseEndings {
		if s, ok := strings.CutSuffix(w, e); ok && len([]rune(s)) >= 3 {
			out = append(out, s)
			if e == "и" {
				if back, ok := unpalatalized(s); ok {
					out = append(out, back)
				}
			}
		}
	}
	return out
}

// ErrNoCentre: an argument names no centre of the pack.
var ErrNoCentre = errors.New("dialogs: no such centre")

// CentresNamed finds the centres staff mean by an argument: a centre's id,
// its number, or a town.
func (p *Pack) CentresNamed(arg string) ([]Centre, error) {
	if c, ok := p.Centre(arg); ok {
		return []Centre{c}, nil
	}
	if strings.TrimSpace(arg) == "" {
		return nil, ErrNoCentre
	}
	found := p.FindCentres(arg)
	if len(found) == 0 {
		return nil, ErrNoCentre
	}
	return found, nil
}

// renamed is query with a town's former name («Днепропетровск») put as
// its name now («Дніпро»), as the pack's renamings say.
func (p *Pack) renamed(query string) string {
	if len(p.Renamings) == 0 {
		return query
	}
	words := strings.Fields(query)
	for n := min(2, len(words)); n >= 1; n-- {
		for i := 0; i+n <= len(words); i++ {
			if now, ok := p.renamedTo(Fold(strings.Join(words[i:i+n], " "))); ok {
				return strings.Join(append(append(append([]string{}, words[:i]...), now), words[i+n:]...), " ")
			}
		}
	}
	return query
}

// renamedTo is the town now whose former name, folded, is folded.
func (p *Pack) renamedTo(folded string) (string, bool) {
	for _, r := range p.Renamings {
		for _, f := range r.Former {
			if Fold(f) == folded {
				return r.Town, true
			}
		}
	}
	return "", false
}
