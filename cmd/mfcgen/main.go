// Command mfcgen writes the mfc pack's centres-list.yaml from Moscow's open
// dataset of «Мои документы» offices (mos611-2022-11.tsv beside it: the
// Moscow Government's dataset No. 611 as extracted in November 2022; the
// file's header says where from), and the 9 offices that copy lacks from a
// second extract that gives no address (mos611-2022-11-unaddressed.tsv):
// their card says the source gives none. Run it by hand when a snapshot
// changes; servicebot reads only its output:
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
	unaddressed := flag.String("unaddressed", "cmd/mfcgen/mos611-2022-11-unaddressed.tsv", "the offices the snapshot lacks, without addresses")
	pack := flag.String("pack", "dialogs/packs/mfc", "the pack folder to write into")
	flag.Parse()
	if err := run(*snapshot, *unaddressed, *pack, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "mfcgen:", err)
		os.Exit(1)
	}
}

// office is one row of the snapshot.
type office struct {
	Flagship bool
	District string // «район Арбат», «Пресненский район», «поселение Московский»
	Lat, Lon float64
	Address  string // as the dataset gives it; "" when the extract gives none
}

// readSnapshot reads the tab-separated rows; # lines are comments. Rows
// are kind, district, latitude, longitude and, when addressed, an address
// (required); an unaddressed file has no address column, so that a row
// whose address is lost cannot pass for one the source gives none for.
func readSnapshot(r io.Reader, addressed bool) ([]office, error) {
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
		want := 4
		if addressed {
			want = 5
		}
		if len(f) != want {
			return nil, fmt.Errorf("line %d: %d columns, want %d", line, len(f), want)
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
		o.District = strings.TrimSpace(f[1])
		if addressed {
			o.Address = strings.TrimSpace(f[4])
		}
		if o.District == "" || addressed && o.Address == "" {
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

// zelenogradDistricts are the districts of the Zelenograd okrug (Moscow's
// law No. 13-47 of 5 July 1995 «О территориальном делении города Москвы»),
// the town an office there is in when the dataset gives no address; for
// Савёлки it writes «город Зеленоград» in the address itself.
var zelenogradDistricts = map[string]bool{
	"Матушкино": true, "Савёлки": true, "Силино": true, "Старое Крюково": true, "Крюково": true,
}

// settlement is the town an office is in: the dataset writes «город
// Москва, город Зеленоград, …» for the towns Moscow includes. Without
// an address, the district tells: a Zelenograd district, a town that is a
// «городской округ» (Троицк, Щербинка), or a «поселение», named as such.
func (o office) settlement() string {
	parts := strings.Split(o.Address, ",")
	for _, p := range parts[1:] {
		if t, ok := strings.CutPrefix(strings.TrimSpace(p), "город "); ok && t != "Москва" {
			return t
		}
	}
	if o.Address != "" {
		return "Москва"
	}
	switch d := districtName(o.District); {
	case zelenogradDistricts[d]:
		return "Зеленоград"
	case strings.HasPrefix(o.District, "городской округ "):
		return d
	case strings.HasPrefix(o.District, "поселение "):
		return o.District
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
# November 2022; see cmd/mfcgen/mos611-2022-11.tsv for the exact copy used. The 9 offices in Zelenograd and
# New Moscow it lacks come from a second extract with no addresses (cmd/mfcgen/mos611-2022-11-unaddressed.tsv
# names it): they have no address here, and a note says so. Kind, district, address and coordinates are the
# dataset's; the names are composed from them, the towns from the address or, without one, the district.
# Offices have moved and opened since 2022 (139 in August 2025): check an address on Gosuslugi or mos.ru
# before relying on it. The dataset's copies give no hours and no services: both are unknown here (the
# card says so and sends people to Gosuslugi).
centres:
`

const hoursUnknown = "Часы работы в источнике не указаны: уточняйте на mos.ru или Госуслугах"

// addressUnknown is the note of an office the source gives no address for.
const addressUnknown = "Адрес в источнике не указан, только точка на карте: уточняйте адрес на mos.ru или Госуслугах"

// The sources of the two snapshots: only the second's offices have no address.
const (
	sourceAddressed   = "data.mos.ru dataset 611, extract of November 2022 (cmd/mfcgen/mos611-2022-11.tsv)"
	sourceUnaddressed = "data.mos.ru dataset 611, second extract, no address (GitHub Angel367/moscow-postamats-map, model/mfc_regional.json at c62f39a; cmd/mfcgen/mos611-2022-11-unaddressed.tsv)"
)

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
	source := sourceAddressed
	if o.Address != "" {
		fmt.Fprintf(b, "    address: {ru: %s}\n", q(o.street()))
	} else {
		fmt.Fprintf(b, "    note: {ru: %s}\n", q(addressUnknown))
		source = sourceUnaddressed
	}
	fmt.Fprintf(b, "    hours: {ru: %s}\n", q(hoursUnknown))
	fmt.Fprintf(b, "    lat: %s\n    lon: %s\n", strconv.FormatFloat(o.Lat, 'f', 6, 64), strconv.FormatFloat(o.Lon, 'f', 6, 64))
	ll := strconv.FormatFloat(o.Lat, 'f', 6, 64) + "," + strconv.FormatFloat(o.Lon, 'f', 6, 64)
	fmt.Fprintf(b, "    map: %q\n", "https://www.google.com/maps/search/?api=1&query="+url.QueryEscape(ll))
	fmt.Fprintf(b, "    source: %q\n\n", source)
}

// readSnapshotFile reads one snapshot file.
func readSnapshotFile(name string, addressed bool) ([]office, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	offices, err := readSnapshot(f, addressed)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return offices, nil
}

func run(snapshotFile, unaddressedFile, packDir string, log io.Writer) error {
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
	offices, err := readSnapshotFile(snapshotFile, true)
	if err != nil {
		return err
	}
	unaddressed, err := readSnapshotFile(unaddressedFile, false)
	if err != nil {
		return err
	}
	// Numbered on from the first file's, so that its offices keep their ids.
	offices = append(offices, unaddressed...)
	var b strings.Builder
	b.WriteString(listHeader)
	written, noAddress, kept := 0, 0, 0
	for i, o := range offices {
		if c, ok := curatedHas(curated, o); ok {
			fmt.Fprintf(log, "kept %s from centres.yaml for %s, %s (%.6f, %.6f)\n", c.ID, o.District, o.street(), o.Lat, o.Lon)
			kept++
			continue
		}
		writeCentre(&b, fmt.Sprintf("mos%03d", i+1), o)
		written++
		if o.Address == "" {
			noAddress++
		}
	}
	if err := os.WriteFile(filepath.Join(packDir, "centres-list.yaml"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(log, "%d offices from the dataset written, %d of them without an address; %d kept as centres.yaml has them\n", written, noAddress, kept)
	return nil
}
