package dialogs

import (
	"math"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func hscPack(tb testing.TB) *Pack { return shippedPack(tb, "hsc") }

// shippedPack loads a built-in pack or fails the test.
func shippedPack(tb testing.TB, id string) *Pack {
	tb.Helper()
	p, err := LoadShippedPack(id)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestHSCPackCoversTheNetwork(t *testing.T) {
	p := hscPack(t)
	if len(p.Centres) < 140 {
		t.Fatalf("hsc pack has %d centres, want at least 140", len(p.Centres))
	}
	warned := map[string]bool{}
	for _, w := range Warnings(p) {
		warned[w.Pos.String()] = true
	}
	for _, c := range p.Centres {
		if c.City["uk"] == "" || c.Address["uk"] == "" || c.Region == "" {
			t.Errorf("centre %s: settlement %q, address %q, region %q", c.ID, c.City["uk"], c.Address["uk"], c.Region)
		}
		if _, _, ok := p.Where(c); !ok && !warned[c.Pos.String()] {
			t.Errorf("centre %s has no coordinates and no warning", c.ID)
		}
	}
	if probs := Validate(p); len(probs) > 0 {
		t.Errorf("hsc pack: %v", probs)
	}
}

func TestFindCentres(t *testing.T) {
	p := hscPack(t)
	ids := func(cs []Centre) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	odesa := []string{"odesa5141", "odesa5154"}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"Одеса", odesa},
		{"Одесса", odesa},
		{"odesa", odesa},
		{"одеса", odesa},
		{"Odessa", odesa},
		{"м. Одеса", odesa},
		{"Одеас", odesa}, // letters swapped
		{"5154", []string{"odesa5154"}},
		{"ТСЦ № 5154", []string{"odesa5154"}},
		{"№5154", []string{"odesa5154"}},
		{"Харків", []string{"kharkiv6341", "kharkiv6342"}},
		{"Харьков", []string{"kharkiv6341", "kharkiv6342"}},
		{"kharkiv", []string{"kharkiv6341", "kharkiv6342"}},
		{"Кривой Рог", []string{"kryvyir1243", "kryvyir1248"}},
		{"Ізмаїл", []string{"izmail5144"}},
		{"izmail", []string{"izmail5144"}},
		{"Белая Церковь", []string{"bilatse3242"}},
		{"Конотоп", []string{"konotop5942", "konotop5942x"}},
		{"9999", nil},
		{"Париж", nil},
		{"", nil},
	} {
		got := ids(p.FindCentres(tc.query))
		if len(got) != len(tc.want) {
			t.Errorf("FindCentres(%q) = %v, want %v", tc.query, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("FindCentres(%q) = %v, want %v", tc.query, got, tc.want)
				break
			}
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		want                   float64 // km
	}{
		{"same point", 46.48572, 30.74383, 46.48572, 30.74383, 0},
		{"Kyiv–Odesa", 50.45466, 30.5238, 46.48572, 30.74383, 441.5},
		{"Lviv–Kharkiv", 49.83826, 24.02324, 49.98081, 36.25272, 875},
		{"a quarter of the equator", 0, 0, 0, 90, 10007.6},
	} {
		if got := Distance(tc.lat1, tc.lon1, tc.lat2, tc.lon2); math.Abs(got-tc.want) > 1 {
			t.Errorf("%s: %.1f km, want %.1f", tc.name, got, tc.want)
		}
	}
}

func TestNearest(t *testing.T) {
	p := hscPack(t)
	// Odesa's railway station.
	near := p.Nearest(46.4689, 30.7410, 3)
	if len(near) != 3 {
		t.Fatalf("Nearest gave %d centres, want 3", len(near))
	}
	for i, id := range []string{"odesa5141", "odesa5154"} {
		if near[i].Centre.ID != id {
			t.Errorf("nearest #%d is %s, want %s (all: %+v)", i+1, near[i].Centre.ID, id, near)
		}
	}
	if !near[0].Approx {
		t.Error("Odesa's centres have only their town's place, yet the distance is not marked approximate")
	}
	if near[0].Km > 5 || near[2].Km < near[1].Km {
		t.Errorf("distances %v: want Odesa within 5 km and ascending", near)
	}
	if got := p.Nearest(46.4689, 30.7410, 500); len(got) != len(p.Centres)-len(Warnings(p)) {
		t.Errorf("Nearest(…, 500) gave %d, want every centre with a place", len(got))
	}
	// Lutsk's and Zhytomyr's centres, in villages at the cities' edges
	// that GeoNames' lists lack, are placed by the city's point, as
	// approximately as any; Kyiv's in Софіївська Борщагівка by GeoNames'
	// cities500.
	for _, tc := range []struct {
		lat, lon float64
		id       string
	}{
		{50.7472, 25.3254, "strumiv0741"}, // Lutsk's middle
		{50.2547, 28.6587, "dovzhyk1841"}, // Zhytomyr's
		{48.7484, 30.2218, "umansky7142"}, // Uman's
		{50.4100, 30.3672, "sofiivs8047"}, // Софіївська Борщагівка
	} {
		near := p.Nearest(tc.lat, tc.lon, 3)
		if len(near) == 0 || near[0].Centre.ID != tc.id && !(tc.id == "sofiivs8047" && near[0].Centre.ID == "sborsh3246") || !near[0].Approx || near[0].Km > 5 {
			t.Errorf("nearest to %.4f, %.4f: %+v; want %s within 5 km, approximate", tc.lat, tc.lon, near, tc.id)
		}
	}
}

func TestOpening(t *testing.T) {
	p := &Pack{Timezone: "Europe/Kyiv", CentreHours: []BusinessHours{
		{Days: []string{"tue", "wed", "thu", "fri"}, Open: "08:00", Close: "17:00"},
		{Days: []string{"sat"}, Open: "08:00", Close: "15:45"},
	}}
	own := Centre{Opening: []BusinessHours{{Days: []string{"sun"}, Open: "09:00", Close: "13:00"}}}
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	at := func(day int, hm string) time.Time {
		tt, _ := time.ParseInLocation("2006-01-02 15:04", "2026-06-"+string(rune('0'+day/10))+string(rune('0'+day%10))+" "+hm, kyiv)
		return tt
	}
	for _, tc := range []struct {
		name   string
		c      Centre
		t      time.Time
		today  []Span
		isOpen bool
	}{
		{"Tuesday morning", Centre{}, at(2, "10:30"), []Span{{"08:00", "17:00"}}, true},
		{"Tuesday before opening", Centre{}, at(2, "07:59"), []Span{{"08:00", "17:00"}}, false},
		{"Friday at closing", Centre{}, at(5, "17:00"), []Span{{"08:00", "17:00"}}, false},
		{"Saturday afternoon", Centre{}, at(6, "15:44"), []Span{{"08:00", "15:45"}}, true},
		{"Monday off", Centre{}, at(1, "10:00"), nil, false},
		{"own Sunday hours", own, at(7, "10:00"), []Span{{"09:00", "13:00"}}, true},
		{"own hours replace the pack's", own, at(2, "10:00"), nil, false},
		{"UTC instant read in Kyiv", Centre{}, time.Date(2026, 6, 2, 5, 30, 0, 0, time.UTC), []Span{{"08:00", "17:00"}}, true},
	} {
		today, open, known, err := p.Opening(tc.c, tc.t)
		if err != nil || !known {
			t.Fatal(known, err)
		}
		if open != tc.isOpen || len(today) != len(tc.today) || (len(today) > 0 && today[0] != tc.today[0]) {
			t.Errorf("%s: %v open=%v, want %v open=%v", tc.name, today, open, tc.today, tc.isOpen)
		}
	}
}

func TestOpeningUnknown(t *testing.T) {
	// Moderators' hours are not the centres': without centre_hours or a
	// centre's own opening, nothing is known.
	p := &Pack{BusinessHours: []BusinessHours{{Days: []string{"mon"}, Open: "08:00", Close: "20:00"}}}
	if today, open, known, err := p.Opening(Centre{}, time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)); known || open || today != nil || err != nil {
		t.Errorf("Opening with no centre hours: %v %v %v %v", today, open, known, err)
	}
}

func TestBrowseRegionTownCentre(t *testing.T) {
	p := hscPack(t)
	regions := p.RegionsWithCentres()
	if len(regions) < 20 {
		t.Fatalf("%d regions with centres, want the whole country", len(regions))
	}
	towns := p.Towns("51")
	if len(towns) == 0 || towns[0].Name["uk"] != "Одеса" || len(towns[0].Centres) != 2 {
		t.Fatalf("Odesa region's first town: %+v, want Одеса with its two centres", towns[0])
	}
	total := 0
	for _, r := range regions {
		for _, tw := range p.Towns(r.ID) {
			total += len(tw.Centres)
		}
	}
	if total != len(p.Centres) {
		t.Errorf("browsing reaches %d centres, the pack has %d", total, len(p.Centres))
	}
}

func TestCentresAsked(t *testing.T) {
	p := hscPack(t)
	for _, tc := range []struct {
		question string
		want     []string
	}{
		{"коли працює тсц в ізмаїлі", []string{"izmail5144"}},
		{"когда работает тсц в Измаиле", []string{"izmail5144"}},
		{"адреса мрео на перемоги", []string{"kyiv8041", "kyiv8042"}},
		{"графік тсц 5154", []string{"odesa5154"}},
		{"де сервісний центр у Одесі", []string{"odesa5141", "odesa5154"}},
		{"где тсц во Львове", []string{"lviv4641", "lviv4651"}},
		// «живу» is no place, nor «жив», its ending cut, a typo from
		// «Київ»; «сами» is a typo from «Суми», Odesa is named exactly.
		{"я живу в Одессе, где ближайший ТСЦ", []string{"odesa5141", "odesa5154"}},
		{"где тсц, я живу в Ужгороде", []string{"uzhhoro2141"}},
		{"мы сами из Одессы, где тсц", []string{"odesa5141", "odesa5154"}},
		{"где тсц, я живу на Оболони", nil},
		// A town of two words, in another case.
		{"Где находится сервисный центр в Білій Церкві?", []string{"bilatse3242"}},
		{"где ТСЦ в Белой Церкви", []string{"bilatse3242"}},
		{"де ТСЦ у Кривому Розі", []string{"kryvyir1243", "kryvyir1248"}},
		{"где ТСЦ в Кривом Роге", []string{"kryvyir1243", "kryvyir1248"}},
		{"як записатися в тсц", nil},            // no town
		{"коли працює тсц", nil},                // no town either
		{"скільки коштує реєстрація авто", nil}, // not about a centre
		{"де Ізмаїл", nil}, // no centre word
	} {
		got := p.CentresAsked(tc.question)
		var ids []string
		for _, c := range got {
			ids = append(ids, c.ID)
		}
		if strings.Join(ids, " ") != strings.Join(tc.want, " ") {
			t.Errorf("CentresAsked(%q) = %v, want %v", tc.question, ids, tc.want)
		}
	}
}

// A town's former name, in Ukrainian or Russian, finds its centres, alone
// or in a sentence; the renamings are the hsc pack's (renamed.yaml), and
// the mfc pack, Moscow's, has none.
func TestRenamedTownsAreFound(t *testing.T) {
	p := hscPack(t)
	for old, now := range map[string]string{
		"Днепропетровск": "Дніпро", "Дніпропетровськ": "Дніпро",
		"Кировоград": "Кропивницький", "Кіровоград": "Кропивницький",
		"Днепродзержинск": "Кам'янське", "Дніпродзержинськ": "Кам'янське",
		"Ильичевск": "Чорноморськ", "Іллічівськ": "Чорноморськ",
		"Комсомольск": "Горішні Плавні", "Комсомольськ": "Горішні Плавні",
		"Червоноград":           "Шептицький",
		"Переяслав-Хмельницкий": "Переяслав", "Переяслав-Хмельницький": "Переяслав",
		"Новоград-Волынский": "Звягель", "Новоград-Волинський": "Звягель",
		"ТСЦ в Новоград-Волинський": "Звягель",
	} {
		found := p.FindCentres(old)
		if len(found) == 0 || found[0].City.In("uk") != now {
			t.Errorf("FindCentres(%q): %d centres, first in %q; want %s's", old, len(found), func() string {
				if len(found) > 0 {
					return found[0].City.In("uk")
				}
				return ""
			}(), now)
		}
	}
	if mfc := shippedPack(t, "mfc"); len(mfc.Renamings) != 0 {
		t.Errorf("the mfc pack has %d renamings of Ukrainian towns", len(mfc.Renamings))
	}
}

// A renaming leads to a town of the centres' list and names its source.
func TestValidateRenamings(t *testing.T) {
	fsys := fstest.MapFS{
		"p/pack.yaml": {Data: []byte("id: p\nname: {uk: П}\nlanguages: [uk]\n")},
		"p/centres.yaml": {Data: []byte(`centres:
  - id: dnipro
    name: {uk: "ТСЦ"}
    city: {uk: "Дніпро"}
    address: {uk: "вул. Велика, 1"}
`)},
		"p/renamed.yaml": {Data: []byte(`renamed:
  - town: Дніпро
    former: [Дніпропетровськ]
    source: "resolution"
  - town: Атлантида
    former: [Посейдонія]
    source: "legend"
  - town: Дніпро
    former: []
`)},
	}
	var got []string
	for _, pr := range validated(t, fsys) {
		got = append(got, pr.String())
	}
	want := []string{
		"p/renamed.yaml:5: renaming to Атлантида: no centre is in a town of that name",
		"p/renamed.yaml:8: renaming to Дніпро: no former name",
		"p/renamed.yaml:8: renaming to Дніпро: no source (the act that renamed it)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
