package dialogs

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestShippedPacksAreValid(t *testing.T) {
	ids := ShippedPacks()
	if strings.Join(ids, ",") != "hsc,mfc" {
		t.Fatalf("shipped packs: %v, want hsc and mfc", ids)
	}
	for _, id := range ids {
		p, err := LoadShippedPack(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range Validate(p) {
			t.Errorf("%s", pr)
		}
		if p.ID != id {
			t.Errorf("pack in folder %s calls itself %s", id, p.ID)
		}
	}
	hsc, _ := LoadShippedPack("hsc")
	if len(hsc.Entries) < 30 {
		t.Errorf("hsc has %d entries, want 30 or more", len(hsc.Entries))
	}
	for _, topic := range strings.Fields("services booking hours vehicle_registration licence_first_issue exam licence_exchange lost_licence number_plates fees documents_general expert_service complaint_corruption mystery_shopper rating_feedback accessibility contacts") {
		found := false
		for _, e := range hsc.Entries {
			found = found || e.Category == topic
		}
		if !found {
			t.Errorf("hsc has no entry on %s", topic)
		}
	}
	mfc, _ := LoadShippedPack("mfc")
	for _, topic := range strings.Fields("services booking hours documents_general fees rating_feedback complaint_corruption mystery_shopper licence_exchange passport residence_registration") {
		found := false
		for _, e := range mfc.Entries {
			found = found || e.Category == topic
		}
		if !found {
			t.Errorf("mfc has no entry on %s", topic)
		}
	}
}

func TestValidateNamesFileAndEntry(t *testing.T) {
	fsys := fstest.MapFS{
		"p/pack.yaml": {Data: []byte("id: p\nname: {uk: П, ru: П}\nlanguages: [uk, ru]\ncategories:\n  - id: booking\n    title: {uk: Запис, ru: Запись}\n")},
		"p/faq.yaml": {Data: []byte(`entries:
  - id: one
    category: booking
    question: {uk: "Питання", ru: "Вопрос"}
    answer: {uk: "<b>так", ru: "да"}
  - id: one
    category: nowhere
    question: {uk: "Питання"}
    answer: {uk: "так", ru: "да"}
    related: [ghost]
    links: [{title: {uk: a, ru: a}, url: "not a url"}]
`)},
	}
	var got []string
	for _, pr := range validated(t, fsys) {
		got = append(got, pr.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		`p/faq.yaml:2: entry one answer (uk): Telegram cannot parse the HTML`,
		`p/faq.yaml:6: entry id "one" is used twice (first at p/faq.yaml:2)`,
		`p/faq.yaml:6: entry one: category "nowhere" is not in pack.yaml`,
		`p/faq.yaml:6: entry one question: no ru text`,
		`p/faq.yaml:6: entry one: related entry "ghost" does not exist`,
		`p/faq.yaml:6: entry one: "not a url" is not a well-formed http(s) link`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing problem %q in:\n%s", want, all)
		}
	}
}

// validated is what Validate finds in the pack at p in fsys.
func validated(t *testing.T, fsys fstest.MapFS) []Problem {
	t.Helper()
	p, err := LoadPack(fsys, "p")
	if err != nil {
		t.Fatal(err)
	}
	return Validate(p)
}

// An office a source places without an address may ship only with its own
// coordinates and a note telling people so.
func TestValidateCentreWithoutAddress(t *testing.T) {
	fsys := fstest.MapFS{
		"p/pack.yaml": {Data: []byte("id: p\nname: {ru: П}\nlanguages: [ru]\n")},
		"p/centres.yaml": {Data: []byte(`centres:
  - id: placed
    name: {ru: "Офис"}
    city: {ru: "Троицк"}
    note: {ru: "Адрес в источнике не указан"}
    lat: 55.49
    lon: 37.32
  - id: nonote
    name: {ru: "Офис"}
    city: {ru: "Троицк"}
    lat: 55.49
    lon: 37.32
  - id: nowhere
    name: {ru: "Офис"}
    city: {ru: "Троицк"}
    note: {ru: "Адрес в источнике не указан"}
`)},
	}
	var got []string
	for _, pr := range validated(t, fsys) {
		if strings.Contains(pr.Msg, "no address") {
			got = append(got, pr.Msg[:strings.Index(pr.Msg, ":")])
		}
	}
	if strings.Join(got, ",") != "centre nonote,centre nowhere" {
		t.Errorf("centres refused for no address: %v, want nonote and nowhere", got)
	}
}

func TestMaskDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"мій номер +380 67 123 45 67, допоможіть", "мій номер +••• •• ••• •• ••, допоможіть"},
		{"ТСЦ 8041", "ТСЦ 8041"},
		{"посвідчення АВС123456", "посвідчення АВС123456"},
		{"1234567", "•••••••"},
	}
	for _, tt := range tests {
		if got := MaskDigits(tt.in); got != tt.want {
			t.Errorf("MaskDigits(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
