package main

import (
	"strings"
	"testing"

	"servicebot/dialogs"
)

func TestParseRow(t *testing.T) {
	for _, tc := range []struct {
		in                                string
		number, note, settlement, address string
	}{
		{"ТСЦ МВС № 5154, м. Одеса, вул. Аеропортівська, вул. Аеропортівська 27/1", "5154", "", "Одеса", "вул. Аеропортівська, 27/1"},
		{"ТСЦ МВС №1242, м. Дніпро, пр. Праці, пр. Праці 16 ", "1242", "", "Дніпро", "пр. Праці, 16"},
		{"ТСЦ МВС № 3244 , м. Обухів, вул. Каштанова, вул. Каштанова 23 ", "3244", "", "Обухів", "вул. Каштанова, 23"},
		{"ТСЦ МВС № 3249, с. Білоцерківський район, с. Винарівка, вул. Лісова, вул. Лісова 39 ", "3249", "", "Винарівка", "вул. Лісова, 39"},
		{"ТСЦ МВС № 6841, м. Хмельницький, вул. Західно-Окружна,, вул. Західно-Окружна, 11/1", "6841", "", "Хмельницький", "вул. Західно-Окружна, 11/1"},
		{"ТСЦ МВС № 5942 (лише практичний іспит), м. Конотоп, Вирівська 19 А", "5942", "лише практичний іспит", "Конотоп", "Вирівська 19 А"},
		{"ТСЦ МВС № 1243, м. Кривий Ріг, вул. Вільної Ічкерії, вул. Вільної Ічкерії 45333 ", "1243", "", "Кривий Ріг", "вул. Вільної Ічкерії"}, // a date serial, not a house
		{"ТСЦ МВС № 7142, с. Уманський р-н., с/рада Родниківська, вул. автодорога Київ-Одеса  203 км 800 м, вул. автодорога Київ-Одеса  203 км 800 м б/н ", "7142", "", "", "автодорога Київ-Одеса 203 км 800 м, б/н"},
	} {
		r, err := parseRow(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if r.Number != tc.number || r.Note != tc.note || r.Settlement != tc.settlement || r.address() != tc.address {
			t.Errorf("%q:\n got %s %q %q %q\nwant %s %q %q %q", tc.in, r.Number, r.Note, r.Settlement, r.address(), tc.number, tc.note, tc.settlement, tc.address)
		}
	}
	if _, err := parseRow("Сервісний центр без номера"); err == nil {
		t.Error("a row without a number parsed")
	}
}

func TestSkeleton(t *testing.T) {
	for _, pair := range [][2]string{{"Izmayil", "Izmail"}, {"Chornomors’k", "Chornomorsk"}, {"Pidhorodnye", "Pidhorodne"}, {"Zvyahel", "Zviahel"}, {"Kamyanske", "Kamianske"}} {
		if dialogs.LatinSkeleton(pair[0]) != dialogs.LatinSkeleton(pair[1]) {
			t.Errorf("%s and %s do not meet: %q, %q", pair[0], pair[1], dialogs.LatinSkeleton(pair[0]), dialogs.LatinSkeleton(pair[1]))
		}
	}
	if dialogs.LatinSkeleton("Odesa") == dialogs.LatinSkeleton("Oleshky") {
		t.Error("different towns meet")
	}
}

// A settlement GeoNames spells from the Russian is found by the Russian
// name it keeps among its names, in its own region only.
func TestFindInCities500(t *testing.T) {
	gs := geonameList{
		{ID: "8504651", Name: "Sofiyivska Borschagivka", Admin1: "13", Names: []string{"Sofiyivska Borschagivka", "Sofiyivska Borschagivka", "Sofievskaja Borshhagovka", "Софиевская Борщаговка"}, Population: 6571},
		{ID: "1", Name: "Uman", Admin1: "01", Names: []string{"Uman", "Uman", "Умань"}},
	}
	if g, ok := gs.find("Софіївська Борщагівка", "12", "13"); !ok || g.ID != "8504651" {
		t.Errorf("Софіївська Борщагівка: %+v, %v", g, ok)
	}
	if _, ok := gs.find("Софіївська Борщагівка", "12"); ok {
		t.Error("found in Kyiv city's region")
	}
	if g, ok := gs.find("Умань", "01"); !ok || g.ID != "1" {
		t.Errorf("Умань: %+v, %v", g, ok)
	}
	if _, ok := gs.find("Угринь", "22"); ok {
		t.Error("a village no row has was found")
	}
}

// The mfc pack's gazetteer: every settlement near Moscow, and it rather
// than a larger one of its name far off; beyond, towns of 10,000 people,
// not villages nor a city's parts; a city GeoNames names in English is
// found by its Russian name too.
func TestMoscowGazetteer(t *testing.T) {
	all := []city{
		{Name: "Khimki", Lat: "55.89704", Lng: "37.42969", Country: "RU"},
		{Name: "Malaya Derevnya", Lat: "57.1", Lng: "35.1", Country: "RU"},
		{Name: "Tver", Lat: "56.85836", Lng: "35.90057", Country: "RU"},
		{Name: "Saint Petersburg", Lat: "59.93863", Lng: "30.31413", Country: "RU"},
		{Name: "Admiralteisky", Lat: "59.923", Lng: "30.3", Country: "RU"},
		{Name: "Lviv", Lat: "49.83826", Lng: "24.02324", Country: "UA"},
		{Name: "Troitsk", Lat: "55.48498", Lng: "37.30736", Country: "RU"},
		{Name: "Troitsk", Lat: "54.0979", Lng: "61.5773", Country: "RU"},
	}
	towns := townList{
		{Name: "Khimki", Lat: 55.89704, Lon: 37.42969, Population: 207425},
		{Name: "Tver", Lat: 56.85836, Lon: 35.90057, Population: 400212},
		{Name: "Saint Petersburg", Lat: 59.93863, Lon: 30.31413, Population: 5351935},
		{Name: "Admiralteisky", Lat: 59.923, Lon: 30.3, Population: 157897},
		{Name: "Troitsk", Lat: 55.48498, Lon: 37.30736, Population: 37591},
		{Name: "Troitsk", Lat: 54.0979, Lon: 61.5773, Population: 78637},
	}
	more := geonameList{
		{Name: "Saint Petersburg", Lat: "59.93863", Lon: "30.31413", Names: []string{"Saint Petersburg", "Санкт-Петербург", "Питер"}, Population: 5351935, Feature: "PPLA"},
		{Name: "Admiralteisky", Lat: "59.90839", Lon: "30.28484", Names: []string{"Admiralteisky", "Адмиралтейский"}, Population: 157897, Feature: "PPLX"},
	}
	got := moscowGazetteerTSV(all, towns, more)
	for _, key := range []string{"khimki\t", "tver\t", "troitsk\t55.48498\t", "saint petersburg\t", dialogs.GazetteerKey("Санкт-Петербург") + "\t", dialogs.GazetteerKey("Питер") + "\t"} {
		if !strings.Contains(got, "\n"+key) {
			t.Errorf("no %q in:\n%s", key, got)
		}
	}
	for _, key := range []string{"malaa derevna", "admiralteiski", "lviv"} {
		if strings.Contains(got, "\n"+key) {
			t.Errorf("%q is in:\n%s", key, got)
		}
	}
}
