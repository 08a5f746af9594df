package main

import (
	"strings"
	"testing"

	"servicebot/dialogs"
)

func TestReadSnapshotAndAddresses(t *testing.T) {
	in := "# a comment\n" +
		"МФЦ\tрайон Сокол\t55.79714727\t37.51820685\tгород Москва, Чапаевский переулок, дом 16\n" +
		"МФЦ\tКрасносельский район\t55.7858718\t37.66071704\tРоссийская Федерация, город Москва, внутригородская территория муниципальный округ Красносельский, Верхняя Красносельская улица, дом 3, строение 2\n" +
		"МФЦ\tрайон Савёлки\t55.99572141\t37.21504336\tРоссийская Федерация, город Москва, внутригородская территория муниципальный округ Савелки, город Зеленоград, корпус 337\n" +
		"Флагманский офис\tПресненский район\t55.74900596\t37.53874641\tгород Москва, Пресненская набережная, дом 2\n"
	offices, err := readSnapshot(strings.NewReader(in), true)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ town, street string }{
		{"Москва", "Чапаевский переулок, дом 16"},
		{"Москва", "Верхняя Красносельская улица, дом 3, строение 2"},
		{"Зеленоград", "корпус 337"},
		{"Москва", "Пресненская набережная, дом 2"},
	}
	if len(offices) != len(want) {
		t.Fatalf("%d offices, want %d", len(offices), len(want))
	}
	for i, w := range want {
		if o := offices[i]; o.settlement() != w.town || o.street() != w.street {
			t.Errorf("row %d: %q, %q; want %q, %q", i, o.settlement(), o.street(), w.town, w.street)
		}
	}
	if !offices[3].Flagship || offices[0].Flagship {
		t.Error("flagship kind not read")
	}
	for _, bad := range []string{
		"МФЦ\tрайон Сокол\t37.5\t55.7\tгород Москва, Чапаевский переулок, дом 16\n", // swapped
		"Офис\tрайон Сокол\t55.7\t37.5\tгород Москва\n",
		"МФЦ\tрайон Сокол\t55.7\t37.5\n",
	} {
		if _, err := readSnapshot(strings.NewReader(bad), true); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// The offices the second extract gives without an address get their town
// from the district, and a card that says the address is not known.
func TestUnaddressedOffices(t *testing.T) {
	in := "# a comment\n" +
		"МФЦ\tрайон Матушкино\t56.003557750634\t37.208008164858\n" +
		"МФЦ\tгородской округ Троицк\t55.495941133237\t37.321698825986\n" +
		"МФЦ\tпоселение Сосенское\t55.57338151145\t37.464675099163\n" +
		"МФЦ\tгородской округ Щербинка\t55.5042642871223\t37.5591679806323\n"
	offices, err := readSnapshot(strings.NewReader(in), false)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"Зеленоград", "Троицк", "поселение Сосенское", "Щербинка"} {
		if i >= len(offices) || offices[i].settlement() != want || offices[i].Address != "" {
			t.Fatalf("row %d: %+v, want in %q with no address", i, offices, want)
		}
	}
	// An address column where none is expected, and none where one is.
	if _, err := readSnapshot(strings.NewReader("МФЦ\tгородской округ Троицк\t55.49\t37.32\tгород Москва, город Троицк\n"), false); err == nil {
		t.Error("an unaddressed file took an address")
	}
	if _, err := readSnapshot(strings.NewReader("МФЦ\tгородской округ Троицк\t55.49\t37.32\t\n"), true); err == nil {
		t.Error("an addressed file took a row without one")
	}

	var b strings.Builder
	writeCentre(&b, "mos132", offices[1])
	card := b.String()
	for _, want := range []string{`city: {ru: "Троицк"}`, `district: {ru: "Троицк"}`, `note: {ru: "Адрес в источнике не указан`, "lat: 55.495941", "Angel367/moscow-postamats-map"} {
		if !strings.Contains(card, want) {
			t.Errorf("the Troitsk office's entry lacks %q:\n%s", want, card)
		}
	}
	if strings.Contains(card, "address:") {
		t.Errorf("the Troitsk office's entry has an address the source does not give:\n%s", card)
	}
}

func TestCuratedHas(t *testing.T) {
	curated := []dialogs.Centre{
		{ID: "mskaeroport", Name: dialogs.Text{"ru": "Центр госуслуг «Мои документы» района Аэропорт"}},
		{ID: "msksavelov", Name: dialogs.Text{"ru": "Центр госуслуг «Мои документы» района Савеловский"}},
		{ID: "mskafimall", Name: dialogs.Text{"ru": "Флагманский центр «Мои документы» ЦАО"}},
	}
	for _, tc := range []struct {
		o    office
		want string
	}{
		{office{District: "Савёловский район"}, "msksavelov"},
		{office{District: "район Аэропорт"}, "mskaeroport"},
		{office{District: "Пресненский район", Flagship: true}, "mskafimall"},
		{office{District: "Пресненский район"}, ""},                  // the district office is another
		{office{District: "район Южное Тушино", Flagship: true}, ""}, // no curated СЗАО flagship
		{office{District: "район Сокол"}, ""},
	} {
		c, ok := curatedHas(curated, tc.o)
		if got := map[bool]string{true: c.ID}[ok]; got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.o, got, tc.want)
		}
	}
}
