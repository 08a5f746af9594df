package dialogs

import (
	"bufio"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// GazetteerPlace is a settlement of the gazetteer.
type GazetteerPlace struct {
	Lat, Lon   float64
	Region     string // the pack's region code
	Population int    // 0: not known
	Name       string // as typed, in its nominative when found by another case
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
// Ukrainian ones: a name typed with «ы» («Бердычив») still meets its KMU
// 2010 spelling. (Russian forms that differ more, «Коростышев», do not.)
var russianLetters = strings.NewReplacer("ы", "и", "э", "е", "ё", "йо", "ъ", "")

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

// placeOf looks words up in the gazetteer as they are and as a Ukrainian
// nominative they may stand for: another case («Коростишеві» →
// «Коростишів»), a Russian spelling («Фастов» → «Фастів», «Ирпень» →
// «Ірпінь»).
func (p *Pack) placeOf(words []string) (GazetteerPlace, bool) {
	if len(p.Gazetteer) == 0 {
		return GazetteerPlace{}, false
	}
	last := len(words) - 1
	as := russianLetters.Replace(words[last])
	for _, form := range nominatives(as) {
		name := append(append([]string{}, words[:last]...), form)
		if pl, ok := p.Gazetteer[LatinSkeleton(Latin(strings.Join(name, " ")))]; ok {
			if form == as {
				name[last] = words[last] // as typed: «Люберцы», not «Люберци»
			}
			for i, w := range name {
				r := []rune(w)
				name[i] = strings.ToUpper(string(r[:1])) + string(r[1:])
			}
			pl.Name = strings.Join(name, " ")
			return pl, true
		}
	}
	return GazetteerPlace{}, false
}

// nominatives are the forms a word of a place's name may have in the
// nominative: itself, without a case ending, and with the «і» Ukrainian
// has where other cases and Russian have «о» or «е» in the last syllable.
func nominatives(w string) []string {
	if strings.HasPrefix(w, "и") {
		w = "і" + strings.TrimPrefix(w, "и") // «Ирпень»
	}
	stems := []string{w}
	for _, e := range []string{"ові", "еві", "і", "у", "ю", "а", "я", "ом", "ем", "е"} {
		if s, ok := strings.CutSuffix(w, e); ok && len([]rune(s)) >= 3 {
			stems = append(stems, s)
		}
	}
	var out []string
	for _, s := range stems {
		out = append(out, s)
		r := []rune(s)
		// The last «о», «е» or «є» followed by consonants only (and «ь»).
		for i := len(r) - 1; i >= 0; i-- {
			if strings.ContainsRune("аеєиіїоуюяы", r[i]) {
				if (r[i] == 'о' || r[i] == 'е' || r[i] == 'є') && i < len(r)-1 {
					out = append(out, string(r[:i])+"і"+string(r[i+1:]))
				}
				break
			}
		}
	}
	return out
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
