package dialogs

import (
	"strings"
	"testing"
)

// The mfc pack lists Moscow's offices from the city's open dataset, each
// with its own coordinates, so the nearest is the one down the street.
func TestMFCPackMoscowOffices(t *testing.T) {
	p := shippedPack(t, "mfc")
	// The dataset's 136 offices (7 of them as centres.yaml names them from
	// newer pages) and 2 more that centres.yaml has.
	if len(p.Centres) < 136 {
		t.Fatalf("mfc pack has %d centres, want Moscow's whole network as of the dataset (136 and more)", len(p.Centres))
	}
	noAddress := 0
	for _, c := range p.Centres {
		if c.Address["ru"] == "" {
			noAddress++
			if !strings.Contains(c.Note["ru"], "Адрес в источнике не указан") || c.Lat == 0 {
				t.Errorf("centre %s has no address, and its note %q does not say so or it has no coordinates", c.ID, c.Note["ru"])
			}
		}
		if c.Name["ru"] == "" || c.City["ru"] == "" || c.Region != "77" || c.Hours["ru"] == "" {
			t.Errorf("centre %s: name %q, town %q, region %q, hours %q", c.ID, c.Name["ru"], c.City["ru"], c.Region, c.Hours["ru"])
		}
	}
	if noAddress != 9 {
		t.Errorf("%d centres without an address, want the dataset's 9 in Zelenograd and New Moscow", noAddress)
	}
	if probs := Validate(p); len(probs) > 0 {
		t.Errorf("mfc pack: %v", probs)
	}
	// At the Kremlin the nearest are placed offices in the centre, not the
	// offices placed only by the city's point (≈ 300 m from anyone there).
	for _, n := range p.Nearest(55.7539, 37.6208, 3) {
		if n.Approx || n.Km > 4 {
			t.Errorf("near the Kremlin: %s at %.1f km (approx %v)", n.Centre.ID, n.Km, n.Approx)
		}
	}
	// Metro Sokol, 400 m from the office on Chapaevsky Lane.
	near := p.Nearest(55.8050, 37.5150, 3)
	if len(near) != 3 || near[0].Centre.Address["ru"] != "Чапаевский переулок, дом 16" || near[0].Approx || near[0].Km > 1.5 {
		t.Fatalf("nearest to metro Sokol: %+v, want the office on Chapaevsky Lane, placed exactly, within 1.5 km", near)
	}
	// Zelenograd's offices are its own town's, not lost among Moscow's.
	if found := p.FindCentres("Зеленоград"); len(found) != 5 {
		t.Errorf("Зеленоград finds %d offices (%+v), want its 5 districts'", len(found), found)
	}
	// New Moscow's towns and settlements have theirs, though the source
	// gives them no address: a location in Troitsk offers Troitsk's first.
	near = p.Nearest(55.4848, 37.3057, 3) // the middle of Troitsk
	if len(near) != 3 || near[0].Centre.City["ru"] != "Троицк" || near[0].Approx || near[0].Km > 3 {
		t.Errorf("nearest in Troitsk: %+v, want Troitsk's office within 3 km", near)
	}
	for q, want := range map[string]int{"Троицк": 1, "Щербинка": 1, "Сосенское": 2, "Первомайское": 1, "Матушкино": 1} {
		if found := p.FindCentres(q); len(found) != want {
			t.Errorf("%q finds %d offices (%+v), want %d", q, len(found), found, want)
		}
	}
	// A district typed, as Muscovites name their office, finds it.
	for _, q := range []string{"Сокол", "район сокол", "мфц сокол"} {
		if found := p.FindCentres(q); len(found) != 1 || found[0].Address["ru"] != "Чапаевский переулок, дом 16" {
			t.Errorf("%q finds %d offices (%+v), want the one on Chapaevsky Lane", q, len(found), found)
		}
	}
	if found := p.CentresAsked("где мфц на соколе"); len(found) == 0 {
		t.Errorf("«где мфц на соколе» is not taken for a question about an office")
	}
	if found := p.FindCentres("москва"); len(found) < 100 {
		t.Errorf("москва finds %d offices, want Moscow's", len(found))
	}
	towns := p.Towns("77")
	if len(towns) < 2 || towns[0].Name["ru"] != "Москва" {
		t.Fatalf("Moscow's towns: %d, first %q; want Москва first, then Zelenograd and the others", len(towns), towns[0].Name["ru"])
	}
	total := 0
	for _, tw := range towns {
		total += len(tw.Centres)
	}
	if total != len(p.Centres) {
		t.Errorf("browsing reaches %d offices, the pack has %d", total, len(p.Centres))
	}
}

func TestPlaceAfterCentre(t *testing.T) {
	for text, want := range map[string]string{
		"мфц в Простоквашино":               "Простоквашино",
		"где ближайший МФЦ в Урюпинске?":    "Урюпинске",
		"Где МФЦ в Старом Осколе":           "Старом Осколе",
		"мфц в праздники":                   "", // no name
		"мфц в субботу работает?":           "", // more than a place
		"как записаться в мфц":              "",
		"где мфц":                           "",
		"записаться в МФЦ в Простоквашино":  "",
		"тсц у Простоквашино де":            "Простоквашино",
		"где мфц в Самом Дальнем Поселении": "", // three words
	} {
		if got, ok := PlaceAfterCentre(text); got != want || ok != (want != "") {
			t.Errorf("PlaceAfterCentre(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
}

func TestMetroNamed(t *testing.T) {
	for text, want := range map[string]string{
		"метро Китай-город":    "Китай-город",
		"м. Чистые пруды":      "Чистые пруды",
		"ст. м. Сокол":         "Сокол",
		"станция Чистые пруды": "Чистые пруды",
		"метро":                "",
		"Китай-город":          "",
		"метро как пройти от станции до мфц": "",
		"МФЦ рядом с метро Китай-город":      "Китай-город",
		"мфц у метро Таганская":              "Таганская",
	} {
		if got, ok := MetroNamed(text); got != want || ok != (want != "") {
			t.Errorf("MetroNamed(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
}
