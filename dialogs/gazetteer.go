package dialogs

import (
	"bufio"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// GazetteerPlace is a settlement of the gazetteer.
type GazetteerPlace struct {
	Lat, Lon   float64
	Region     string // the pack's region code
	Population int    // 0: not known
	Name       string // as typed, in its nominative when found by another case
	// Written is Name as the person spelt it, before Ukrainian «і» was put
	// for their «и», «е» or «о» («Ирпень» for «Ірпінь»): the name to show
	// someone who writes Russian.
	Written string
}

// NameIn is the place's name to show in lang.
func (pl GazetteerPlace) NameIn(lang string) string {
	if lang == "ru" && pl.Written != "" {
		return pl.Written
	}
	return pl.Name
}

// readGazetteer reads gazetteer.tsv: «skeleton TAB lat TAB lon TAB region
// TAB population» lines, # comments.
func readGazetteer(fsys fs.FS, file string) (map[string]GazetteerPlace, error) {
	f, err := fsys.Open(file)
	if err != nil {
		return nil, fmt.Errorf("dialogs: %s: %w", file, err)
	}
	defer f.Close()
	out := map[string]GazetteerPlace{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			return nil, fmt.Errorf("dialogs: %s:%d: want 5 columns", file, n)
		}
		lat, err1 := strconv.ParseFloat(cols[1], 64)
		lon, err2 := strconv.ParseFloat(cols[2], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("dialogs: %s:%d: bad coordinates", file, n)
		}
		pop, _ := strconv.Atoi(cols[4])
		out[cols[0]] = GazetteerPlace{Lat: lat, Lon: lon, Region: cols[3], Population: pop}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("dialogs: %s: %w", file, err)
	}
	return out, nil
}

// russianLetters are the Russian letters Ukrainian lacks, as their nearest
// Ukrainian ones, so that a name typed with them («Мытищи», «Королёв»,
// «Коростышев») meets its Latin spelling.
var russianLetters = strings.NewReplacer("ы", "и", "э", "е", "ё", "е", "ъ", "")

// GazetteerKey is what a settlement's name in Cyrillic letters is looked
// up by in gazetteer.tsv: Russian letters as their nearest Ukrainian ones,
// then the skeleton of its KMU 2010 transliteration («Тверь» → "tver").
func GazetteerKey(name string) string {
	return LatinSkeleton(Latin(russianLetters.Replace(strings.ToLower(name))))
}

// PlaceNamed finds a settlement of the gazetteer typed alone («Коростишів»,
// «м. Фастів», «Фастов», «у Коростишеві»): words like «місто» or «тсц»
// around it are left out; more than three other words are no name.
func (p *Pack) PlaceNamed(text string) (GazetteerPlace, bool) {
	words := placeWords(text)
	if len(words) == 0 || len(words) > 3 {
		return GazetteerPlace{}, false
	}
	return p.placeOf(words)
}

// PlaceIn finds a settlement named anywhere in a question about where a
// centre is («де тсц у Коростишеві»), by one or two words in any case.
func (p *Pack) PlaceIn(text string) (GazetteerPlace, bool) {
	var rest []string
	for _, w := range placeWords(text) {
		if f := Fold(w); !askWords[f] && !centreWords[f] {
			rest = append(rest, w)
		}
	}
	for n := 2; n >= 1; n-- {
		for i := 0; i+n <= len(rest); i++ {
			if pl, ok := p.placeOf(rest[i : i+n]); ok {
				return pl, true
			}
		}
	}
	return GazetteerPlace{}, false
}

// placeWords are text's words, lower case, without punctuation or the
// words that go with a place's name («м.», «місто», «тсц», «у»).
func placeWords(text string) []string {
	var words []string
	for _, w := range strings.Fields(strings.ToLower(text)) {
		w = strings.TrimFunc(w, func(r rune) bool { return strings.ContainsRune(".,!?;:«»\"()", r) })
		if w == "" || townWords[Fold(w)] {
			continue
		}
		words = append(words, w)
	}
	return words
}

// placeOf looks words up in the gazetteer as they are and as a nominative
// they may stand for: another case («Коростишеві» → «Коростишів», «в
// Мытищах» → «Мытищи»), a Russian spelling («Фастов» → «Фастів», «Ирпень»
// → «Ірпінь»). The name found is given as that nominative.
func (p *Pack) placeOf(words []string) (GazetteerPlace, bool) {
	if len(p.Gazetteer) == 0 {
		return GazetteerPlace{}, false
	}
	last := len(words) - 1
	forms, plain := nominativeForms(words[last])
	// A name's first word may be an adjective in another case too («у
	// Кривому Розі», «у Білій Церкві»).
	leads := [][]string{words[:last]}
	if last == 1 {
		for _, f := range adjectiveForms(words[0], adjectiveCuts)[1:] {
			leads = append(leads, []string{f})
		}
	}
	for _, lead := range leads {
		if pl, ok := p.placeNamed(lead, forms, plain); ok {
			return pl, true
		}
	}
	return GazetteerPlace{}, false
}

// placeNamed is placeOf's look-up of the name of words lead and one of
// forms for its last word.
func (p *Pack) placeNamed(lead, forms []string, plain map[string]string) (GazetteerPlace, bool) {
	for _, form := range forms {
		name := strings.Join(append(slices.Clone(lead), form), " ")
		written := strings.Join(append(slices.Clone(lead), plain[form]), " ")
		// «г» also as GeoNames writes Russian names («Красногорск»,
		// Krasnogorsk).
		for _, k := range []string{name, strings.ReplaceAll(name, "г", "ґ")} {
			if pl, ok := p.Gazetteer[GazetteerKey(k)]; ok {
				if strings.ContainsAny(name, "іїє") && strings.HasPrefix(name, "и") {
					name = "і" + strings.TrimPrefix(name, "и") // «Ирпінь» → «Ірпінь»
				}
				pl.Name, pl.Written = capitalized(name), capitalized(written)
				return pl, true
			}
		}
	}
	return GazetteerPlace{}, false
}

// nominativeForms are the forms a word of a place's name may have in the
// nominative, likeliest first: itself; without a case ending, with the
// nominative's own put back («Полтаві» → «Полтава», «Рівному» → «Рівне»,
// «Химках» → «Химки», «Тернополі» → «Тернопіль»); with the «і» Ukrainian
// has where other cases and Russian have «о» or «е» in the last syllable
// («Коростишеві» → «Коростишів», «Фастов» → «Фастів»); with a Russian
// initial «И» as Ukrainian «І» («Ирпень» → «Ірпінь»). plain is each
// form's spelling before the «і» was put in («Ирпень» for «Ірпінь»).
func nominativeForms(w string) (out []string, plain map[string]string) {
	plain = map[string]string{}
	from := w
	add := func(s string) {
		if len([]rune(s)) >= 3 && !slices.Contains(out, s) {
			out = append(out, s)
			plain[s] = from
		}
	}
	add(w)
	add(ikavized(w))
	for _, c := range caseCuts {
		stem, ok := strings.CutSuffix(w, c.end)
		if !ok || len([]rune(stem)) < 3 {
			continue
		}
		for _, back := range c.back {
			s := stem + back
			if back == "" && c.soft && strings.ContainsAny(string([]rune(stem)[len([]rune(stem))-1:]), "лнцсдтз") {
				from = s + "ь"
				add(ikavized(s) + "ь") // «Тернополі» → «Тернопіль»
				add(s + "ь")
			}
			from = s
			add(s)
			add(ikavized(s))
		}
		if back, ok := unpalatalized(stem); ok && c.end == "і" {
			from = back
			add(back)
			add(ikavized(back)) // «Розі» → «Ріг»
		}
	}
	for _, s := range slices.Clone(out) {
		if rest, ok := strings.CutPrefix(s, "и"); ok {
			from = plain[s]
			add("і" + rest)
			add(ikavized("і" + rest))
		}
	}
	return out, plain
}

// caseCuts are case endings and what the nominative may have instead.
var caseCuts = []struct {
	end  string
	back []string
	soft bool // a stem ending in «л», «н», «ц»… may take «ь»
}{
	{"ому", []string{"е", "ий", "ій"}, false},
	{"ові", []string{""}, false}, {"еві", []string{""}, false}, {"єві", []string{""}, false},
	{"ах", []string{"и", "і"}, false}, {"ях", []string{"і", "и"}, false},
	{"ім", []string{"е", "и"}, false},
	{"ом", []string{""}, false}, {"ем", []string{""}, true},
	{"і", []string{"", "а", "я"}, true}, {"е", []string{"", "а", "о"}, true},
	{"и", []string{"ь", "а", "я"}, false}, // «в Твери», «из Казани»; «з Одеси»
	{"у", []string{"", "а"}, false}, {"ю", []string{"", "я"}, true},
	{"а", []string{""}, false}, {"я", []string{""}, true},
}

// adjectiveCuts are the endings of an adjective that begins a town's
// name («Біла Церква», «Кривий Ріг», «Белая Церковь») in other cases, and
// what its nominative may have instead: «у Білій Церкві», «у Кривому
// Розі», «в Белой Церкви», «в Кривом Роге», «из Кривого Рога».
var adjectiveCuts = []adjectiveCut{
	{"ому", []string{"ий", "е", "ой", "ый"}}, {"ого", []string{"ий", "е", "ой", "ый"}},
	{"ім", []string{"ий", "е"}}, {"ій", []string{"а"}}, {"ої", []string{"а"}},
	{"ую", []string{"ая"}}, {"ой", []string{"ая"}}, {"ом", []string{"ой", "ий", "ый"}},
	{"ем", []string{"ий"}}, {"ей", []string{"яя"}}, {"у", []string{"а"}},
}

type adjectiveCut struct {
	end  string
	back []string
}

// foldedAdjectiveCuts are adjectiveCuts in the folded alphabet.
var foldedAdjectiveCuts = func() []adjectiveCut {
	out := slices.Clone(adjectiveCuts)
	for i, c := range out {
		out[i].end, out[i].back = Fold(c.end), nil
		for _, b := range c.back {
			out[i].back = append(out[i].back, Fold(b))
		}
	}
	return out
}()

// adjectiveForms are w and the nominatives it may stand for as an
// adjective, by cuts (adjectiveCuts or foldedAdjectiveCuts).
func adjectiveForms(w string, cuts []adjectiveCut) []string {
	out := []string{w}
	for _, c := range cuts {
		stem, ok := strings.CutSuffix(w, c.end)
		if !ok || len([]rune(stem)) < 3 {
			continue
		}
		for _, b := range c.back {
			if !slices.Contains(out, stem+b) {
				out = append(out, stem+b)
			}
		}
	}
	return out
}

// unpalatalized is a stem less the change the Ukrainian locative's «і»
// makes to «г», «к», «х» («Розі» of «Ріг», as «нозі» of «нога», «руці» of «рука»): its
// last «з», «ц» or «с» as it was.
func unpalatalized(stem string) (string, bool) {
	r := []rune(stem)
	back, ok := map[rune]rune{'з': 'г', 'ц': 'к', 'с': 'х'}[r[len(r)-1]]
	if !ok {
		return "", false
	}
	r[len(r)-1] = back
	return string(r), true
}

// ikavized is w with its last «о», «е» or «є», when followed by
// consonants only (and «ь»), as «і»: «Фастов» → «Фастів»; w when there
// is none.
func ikavized(w string) string {
	r := []rune(w)
	for i := len(r) - 1; i >= 0; i-- {
		if strings.ContainsRune("аеєиіїоуюяы", r[i]) {
			if (r[i] == 'о' || r[i] == 'е' || r[i] == 'є') && i < len(r)-1 {
				return string(r[:i]) + "і" + string(r[i+1:])
			}
			return w
		}
	}
	return w
}

// Unplaced lists the region's centres that have no coordinates, neither
// their own nor their settlement's: never among the nearest, so named
// beside them.
func (p *Pack) Unplaced(region string) []Centre {
	var out []Centre
	for _, c := range p.Centres {
		if c.Region == region {
			if _, _, ok := p.where(c, nil); !ok {
				out = append(out, c)
			}
		}
	}
	return out
}

// capitalized writes a place's name with a capital after a space or a
// hyphen: «наро-фоминск» → «Наро-Фоминск».
func capitalized(s string) string {
	r := []rune(s)
	for i := range r {
		if i == 0 || r[i-1] == ' ' || r[i-1] == '-' {
			r[i] = unicode.ToUpper(r[i])
		}
	}
	return string(r)
}
