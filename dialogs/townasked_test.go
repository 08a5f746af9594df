package dialogs

import "testing"

func TestTownAsked(t *testing.T) {
	for _, c := range []struct{ text, town string }{
		{"а в Білій Церкві?", "Білій Церкві"},
		{"в Ірпені є?", "Ірпені"},
		{"у Львові?", "Львові"},
		{"а є в Бучі тсц?", "Бучі"},
		{"А Фастів?", "Фастів"},
		{"а в суботу?", "суботу"}, // no town: FindCentres and the rest say so
		// More than a town, or nothing that puts one.
		{"Коростишів", ""},
		{"у мене питання", ""},
		{"а в тсц?", ""},
		{"а в 8046?", ""},
		{"в Ірпені є тсц який працює в суботу?", ""},
		{"де тсц у Львові", ""},
		{"а як записатися", ""},
	} {
		town, ok := TownAsked(c.text)
		if ok != (c.town != "") || town != c.town {
			t.Errorf("TownAsked(%q) = %q, %v; want %q", c.text, town, ok, c.town)
		}
	}
}
