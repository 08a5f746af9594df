package dialogs

import "testing"

// The mfc pack lists Moscow's offices from the city's open dataset, each
// with its own coordinates, so the nearest is the one down the street.
func TestMFCPackMoscowOffices(t *testing.T) {
	p := shippedPack(t, "mfc")
	if len(p.Centres) < 120 {
		t.Fatalf("mfc pack has %d centres, want Moscow's whole network (120+)", len(p.Centres))
	}
	for _, c := range p.Centres {
		if c.Name["ru"] == "" || c.City["ru"] == "" || c.Address["ru"] == "" || c.Region != "77" || c.Hours["ru"] == "" {
			t.Errorf("centre %s: name %q, town %q, address %q, region %q, hours %q", c.ID, c.Name["ru"], c.City["ru"], c.Address["ru"], c.Region, c.Hours["ru"])
		}
	}
	if probs := Validate(p); len(probs) > 0 {
		t.Errorf("mfc pack: %v", probs)
	}
	// Metro Sokol, 400 m from the office on Chapaevsky Lane.
	near := p.Nearest(55.8050, 37.5150, 3)
	if len(near) != 3 || near[0].Centre.Address["ru"] != "Чапаевский переулок, дом 16" || near[0].Approx || near[0].Km > 1.5 {
		t.Fatalf("nearest to metro Sokol: %+v, want the office on Chapaevsky Lane, placed exactly, within 1.5 km", near)
	}
	// Zelenograd's office is its own town's, not lost among Moscow's.
	if found := p.FindCentres("Зеленоград"); len(found) != 1 || found[0].Address["ru"] != "корпус 337" {
		t.Errorf("Зеленоград finds %+v, want the office at корпус 337", found)
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
