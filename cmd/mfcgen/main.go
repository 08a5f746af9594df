// Command mfcgen writes the mfc pack's centres-list.yaml from Moscow's open
// dataset of «Мои документы» offices (mos611-2022-11.tsv beside it: the
// Moscow Government's dataset No. 611 as extracted in November 2022; the
// file's header says where from). Run it by hand when the snapshot changes;
// servicebot reads only its output:
//
//	go run ./cmd/mfcgen
//
// Offices the pack's centres.yaml already has, sourced from news pages,
// are kept as they are and not written again: a district office whose
// district a curated centre names, and an okrug's flagship office when a
// curated centre is that okrug's flagship. Each skipped row is logged with
// its address and coordinates, which the curated entry may lack.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"servicebot/dialogs"
)

func main() {
	snapshot := flag.String("snapshot", "cmd/mfcgen/mos611-2022-11.tsv", "the dataset's offices, one a line")
	pack := flag.String("pack", "dialogs/packs/mfc", "the pack folder to write into")
	flag.Parse()
	if err := run(*snapshot, *pack, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "mfcgen:", err)
		os.Exit(1)
	}
}

// office is one row of the snapshot.
type office struct {
	Flagship bool
	District string // «район Арбат», «Пресненский район», «поселение Московский»
	Lat, Lon float64
	Address  string // as the dataset gives it
}

// readSnapshot reads the tab-separated rows; # lines are comments.
func readSnapshot(r io.Reader) ([]office, error) {
	var out []office
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if strings.HasPrefix(s, "#") || strings.TrimSpace(s) == "" {
			continue
		}
		f := strings.Split(s, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("line %d: %d columns, want 5", line, len(f))
		}
		var o office
		switch f[0] {
		case "МФЦ":
		case "Флагманский офис":
			o.Flagship = true
		default:
			return nil, fmt.Errorf("line %d: unknown kind %q", line, f[0])
		}
		var err error
		if o.Lat, err = strconv.ParseFloat(f[2], 64); err != nil {
			return nil, fmt.Errorf("line %d: latitude: %w", line, err)
		}
		if o.Lon, err = strconv.ParseFloat(f[3], 64); err != nil {
			return nil, fmt.Errorf("line %d: longitude: %w", line, err)
		}
		// Moscow and its New Moscow and Zelenograd reach 55.1–56.1 N, 36.8–37.97 E.
		if o.Lat < 55.1 || o.Lat > 56.1 || o.Lon < 36.8 || o.Lon > 37.97 {
			return nil, fmt.Errorf("line %d: %v, %v is not in Moscow", line, o.Lat, o.Lon)
		}
		o.District, o.Address = strings.TrimSpace(f[1]), strings.TrimSpace(f[4])
		if o.District == "" || o.Address == "" {
			return nil, fmt.Errorf("line %d: no district or no address", line)
		}
		out = append(out, o)
	}
	return out, sc.Err()
}

// districtName is the district's own name, without «район»/«поселение»:
// «Арбат», «Пресненский», «Московский».
func districtName(d string) string {
	var words []string
	for _, w := range strings.Fields(d) {
		switch strings.ToLower(w) {
		case "район", "поселение", "городской", "округ":
			continue
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}

// settlement is the town an office is in: the dataset writes «город
// Москва, город Зеленоград, …» for the towns Moscow includes.
func (o office) settlement() string {
	parts := strings.Split(o.Address, ",")
	for _, p := range parts[1:] {
		if t, ok := strings.CutPrefix(strings.TrimSpace(p), "город "); ok && t != "Москва" {
			return t
		}
	}
	return "Москва"
}

// street is the address less the «Российская Федерация, город Москва,
// внутригородская территория …» the dataset puts before some, and less the
// town, which the card shows on its own.
func (o office) street() string {
	var keep []string
	for _, p := range strings.Split(o.Address, ",") {
		p = strings.TrimSpace(p)
		switch {
		case p == "Российская Федерация", p == "город Москва", p == "город "+o.settlement():
		case strings.HasPrefix(p, "внутригородская территория"):
		default:
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, ", ")
}

// flagshipOkrug is the okrug of each district with a flagship office in the
// snapshot, to tell which curated flagship («… ЦАО») a row is.
var flagshipOkrug = map[string]string{
	"Пресненский":           "ЦАО",
	"Ясенево":               "ЮЗАО",
	"Чертаново Центральное": "ЮАО",
	"Гольяново":             "ВАО",
	"Нижегородский":         "ЮВАО",
	"Войковский":            "САО",
	"Южное Тушино":          "СЗАО",
}

// curatedHas tells which curated centre, if any, is the office.
func curatedHas(curated []dialogs.Centre, o office) (dialogs.Centre, bool) {
	name := dialogs.Fold(districtName(o.District))
	for _, c := range curated {
		words := strings.Fields(dialogs.Fold(c.Name["ru"]))
		if o.Flagship {
			okrug, ok := flagshipOkrug[districtName(o.District)]
			if ok && strings.Contains(dialogs.Fold(c.Name["ru"]), "флагман") && len(words) > 0 && words[len(words)-1] == dialogs.Fold(okrug) {
				return c, true
			}
			continue
		}
		if strings.Contains(" "+strings.Join(words, " ")+" ", " "+dialogs.Fold("района")+" "+name+" ") {
			return c, true
		}
	}
	return dialogs.Centre{}, false
}

const listHeader = `# Generated by cmd/mfcgen; do not edit: edit centres.yaml (which wins) or the generator.
# Source: the Moscow Government's open dataset No. 611 «Многофункциональные центры предоставления
# государственных услуг» (data.mos.ru, reuse with attribution under the portal's terms), as extracted in
# November 2022; see cmd/mfcgen/mos611-2022-11.tsv for the exact copy used and what it lacks (9 offices in
# Zelenograd and New Moscow). Kind, district, address and coordinates are the dataset's; the names are
# composed from them. Offices have moved and opened since 2022 (139 in August 2025): check an address on
# Gosuslugi or mos.ru before relying on it. The dataset copy gives no hours and no services: both are
# unknown here (the card says so and sends people to Gosuslugi).
centres:
`

const hoursUnknown = "Часы работы в источнике не указаны: уточняйте на mos.ru или Госуслугах"

func writeCentre(b *strings.Builder, id string, o office) {
	q := strconv.Quote
	kind := "Центр госуслуг «Мои документы»"
	if o.Flagship {
		kind = "Флагманский офис «Мои документы»"
	}
	fmt.Fprintf(b, "  - id: %s\n", id)
	fmt.Fprintf(b, "    region: \"77\"\n")
	fmt.Fprintf(b, "    name: {ru: %s}\n", q(kind+", "+o.District))
	fmt.Fprintf(b, "    city: {ru: %s}\n", q(o.settlement()))
	fmt.Fprintf(b, "    district: {ru: %s}\n", q(districtName(o.District)))
	fmt.Fprintf(b, "    address: {ru: %s}\n", q(o.street()))
	fmt.Fprintf(b, "    hours: {ru: %s}\n", q(hoursUnknown))
	fmt.Fprintf(b, "    lat: %s\n    lon: %s\n", strconv.FormatFloat(o.Lat, 'f', 6, 64), strconv.FormatFloat(o.Lon, 'f', 6, 64))
	ll := strconv.FormatFloat(o.Lat, 'f', 6, 64) + "," + strconv.FormatFloat(o.Lon, 'f', 6, 64)
	fmt.Fprintf(b, "    map: %q\n", "https://www.google.com/maps/search/?api=1&query="+url.QueryEscape(ll))
	fmt.Fprintf(b, "    source: %q\n\n", "data.mos.ru dataset 611, extract of November 2022 (cmd/mfcgen/mos611-2022-11.tsv)")
}

func run(snapshotFile, packDir string, log io.Writer) error {
	p, err := dialogs.LoadPackDir(packDir)
	if err != nil {
		return err
	}
	var curated []dialogs.Centre
	for _, c := range p.Centres {
		if filepath.Base(c.Pos.File) == "centres.yaml" {
			curated = append(curated, c)
		}
	}
	f, err := os.Open(snapshotFile)
	if err != nil {
		return err
	}
	defer f.Close()
	offices, err := readSnapshot(f)
	if err != nil {
		return fmt.Errorf("%s: %w", snapshotFile, err)
	}
	var b strings.Builder
	b.WriteString(listHeader)
	written := 0
	for i, o := range offices {
		if c, ok := curatedHas(curated, o); ok {
			fmt.Fprintf(log, "kept %s from centres.yaml for %s, %s (%.6f, %.6f)\n", c.ID, o.District, o.street(), o.Lat, o.Lon)
			continue
		}
		writeCentre(&b, fmt.Sprintf("mos%03d", i+1), o)
		written++
	}
	if err := os.WriteFile(filepath.Join(packDir, "centres-list.yaml"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(log, "%d offices from the dataset (%d in centres.yaml kept)\n", written, len(curated))
	return nil
}
