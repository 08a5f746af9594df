package dialogs

import "testing"

func TestTownTypedAloneAndExactly(t *testing.T) {
	p, err := LoadShippedPack("hsc")
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]bool{
		"Львів": true, "львов": true, "м. Ізмаїл": true, "5154": true, "тсц Одеса": true,
		"Одеас": false, "дякую": false, "права": false, "де оформити права у Львові": false,
	} {
		if got := len(p.TownTyped(text)) > 0; got != want {
			t.Errorf("TownTyped(%q) found %v, want %v", text, got, want)
		}
	}
}

func TestPlaceNamed(t *testing.T) {
	p, err := LoadShippedPack("hsc")
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]bool{
		"Коростишів": true, "м. Коростишів": true, "Бердычив": true, "Фастів": true, "Житомир": true, "Умань": true,
		"привіт": false, "як записатися онлайн": false, "Атлантида": false,
	} {
		if _, got := p.PlaceNamed(text); got != want {
			t.Errorf("PlaceNamed(%q) = %v, want %v", text, got, want)
		}
	}
	// Found by its nominative, and named so.
	for typed, want := range map[string]string{
		"у Коростишеві": "Коростишів", "у Полтаві": "Полтава", "у Тернополі": "Тернопіль", "у Сумах": "Суми",
		"у Вишневому": "Вишневе", "Фастове": "Фастів", "Ирпень": "Ірпінь", "в Ирпене": "Ірпінь",
		"у Кривому Розі": "Кривий Ріг", "у Білій Церкві": "Біла Церква",
	} {
		if pl, ok := p.PlaceNamed(typed); !ok || pl.Name != want {
			t.Errorf("PlaceNamed(%q) = %q, %v; want %q", typed, pl.Name, ok, want)
		}
	}
	// Shown to someone writing Russian as they spelt it, in its nominative.
	for typed, want := range map[string]string{"Ирпень": "Ирпень", "в Ирпене": "Ирпень", "Богодухов": "Богодухов", "Фастов": "Фастов", "у Коростишеві": "Коростишев"} {
		if pl, ok := p.PlaceNamed(typed); !ok || pl.NameIn("ru") != want {
			t.Errorf("PlaceNamed(%q).NameIn(ru) = %q, %v; want %q", typed, pl.NameIn("ru"), ok, want)
		}
	}
	m, err := LoadShippedPack("mfc")
	if err != nil {
		t.Fatal(err)
	}
	for typed, want := range map[string]string{"в Химках": "Химки", "в Балашихе": "Балашиха", "Красногорске": "Красногорск", "Сергиев Посад": "Сергиев Посад", "Королёв": "Королёв",
		"в Твери": "Тверь", "в Казани": "Казань", "Санкт-Петербург": "Санкт-Петербург", "в Санкт-Петербурге": "Санкт-Петербург"} {
		if pl, ok := m.PlaceNamed(typed); !ok || pl.Name != want {
			t.Errorf("mfc PlaceNamed(%q) = %q, %v; want %q", typed, pl.Name, ok, want)
		}
	}
	// A neighbourhood is not given its city's people.
	if pl, _ := p.PlaceNamed("Шевченко"); pl.Population != 0 {
		t.Errorf("«Шевченко» has %d people", pl.Population)
	}
	pl, _ := p.PlaceNamed("Коростишів")
	if d := Distance(pl.Lat, pl.Lon, 50.3169, 29.0577); d > 5 || pl.Region != "18" {
		t.Errorf("Korostyshiv is placed %.0f km from where it is, in region %q", d, pl.Region)
	}
	// Vinnytsia region's centre in Великий Митник has no coordinates: it
	// is named beside the nearest. Zhytomyr's in Довжик is placed by the
	// city's point.
	if un := p.Unplaced("05"); len(un) != 1 || un[0].Number != "0545" {
		t.Errorf("Vinnytsia region's centres without coordinates: %+v", un)
	}
	if un := p.Unplaced("18"); len(un) != 0 {
		t.Errorf("Zhytomyr region's centres without coordinates: %+v", un)
	}
}

func TestDistrictsAreMetStrictly(t *testing.T) {
	p, err := LoadShippedPack("mfc")
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]bool{"Сокол": true, "Соколл": true, "Выхино": true, "Тверь": false, "Пушкино": false} {
		if got := len(p.FindCentres(text)) > 0; got != want {
			t.Errorf("FindCentres(%q) found %v, want %v", text, got, want)
		}
	}
}
