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
	Lat, Lon float64
	Region   string // the pack's region code
}

// readGazetteer reads gazetteer.tsv: «skeleton TAB lat TAB lon TAB region»
// lines, # comments.
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
		if len(cols) != 4 {
			return nil, fmt.Errorf("dialogs: %s:%d: want 4 columns", file, n)
		}
		lat, err1 := strconv.ParseFloat(cols[1], 64)
		lon, err2 := strconv.ParseFloat(cols[2], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("dialogs: %s:%d: bad coordinates", file, n)
		}
		out[cols[0]] = GazetteerPlace{Lat: lat, Lon: lon, Region: cols[3]}
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
// «м. Фастів»). Words like «місто» or «тсц» around it are left out; more
// than three other words are no name.
func (p *Pack) PlaceNamed(text string) (GazetteerPlace, bool) {
	if len(p.Gazetteer) == 0 {
		return GazetteerPlace{}, false
	}
	var words []string
	for _, w := range strings.Fields(strings.ToLower(text)) {
		w = strings.TrimFunc(w, func(r rune) bool { return strings.ContainsRune(".,!?;:«»\"()", r) })
		if w == "" || townWords[Fold(w)] {
			continue
		}
		words = append(words, w)
	}
	if len(words) == 0 || len(words) > 3 {
		return GazetteerPlace{}, false
	}
	pl, ok := p.Gazetteer[LatinSkeleton(Latin(russianLetters.Replace(strings.Join(words, " "))))]
	return pl, ok
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
