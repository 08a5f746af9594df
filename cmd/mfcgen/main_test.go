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
	offices, err := readSnapshot(strings.NewReader(in))
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
		if _, err := readSnapshot(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
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
