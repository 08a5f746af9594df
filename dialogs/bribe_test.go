package dialogs

import "testing"

func TestTellsOfBribe(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"Інспектор на практичному іспиті з водіння сказав, що без 200 доларів я не здам", true},
		{"без 500 грн не оформить", true},
		{"экзаменатор сказал без 100$ не сдашь", true},
		{"вимагав гроші", true},
		{"просил денег", true},
		{"сотрудник мфц попросил 5000 рублей чтобы сделать паспорт быстрее", true},
		{"хабар", true},
		{"взятка", true},
		{"дал на лапу экзаменатору", true},
		{"за ускорение", true},
		{"дав інспектору 1000 гривень а він все одно не зарахував", true},
		{"вимагали 200 доларів без квитанції", true},
		// Money asked about, a fee, or no money demanded at all.
		{"скільки грошей коштує реєстрація авто", false},
		{"кому заплатити 500 грн за бланк", false},
		{"просили оплатити 340 грн за бланк, це правильно?", false},
		{"требуют оплатить пошлину 2000 рублей", false},
		{"ніхто не вимагав грошей, дякую", false},
		{"вимагають міжнародне посвідчення європейського зразка", false},
		{"чи можна без грошей записатися", false},
		{"без оплати не приймуть документи", false},
		{"заплатив 300 грн за номери а квитанцію не дали", false},
	} {
		if got := TellsOfBribe(c.text); got != c.want {
			t.Errorf("TellsOfBribe(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

// No question or phrasing of an entry on anything but complaints and
// corruption, and no out-of-scope question, reads as telling of a bribe:
// each would be answered with the bribe entry.
func TestOnlyCorruptionEntriesTellOfBribes(t *testing.T) {
	for _, id := range []string{"hsc", "mfc"} {
		p, err := LoadShippedPack(id)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := p.Entry(p.Matching.Bribe); !ok {
			t.Errorf("%s: matching.yaml names no bribe entry (%q)", id, p.Matching.Bribe)
		}
		for _, e := range p.Entries {
			if e.Category == "complaint_corruption" {
				continue
			}
			texts := []string{}
			for _, q := range e.Question {
				texts = append(texts, q)
			}
			for _, list := range e.Phrasings {
				texts = append(texts, list...)
			}
			for _, s := range texts {
				if TellsOfBribe(s) {
					t.Errorf("%s: %s's %q reads as a bribe", id, e.ID, s)
				}
			}
		}
		for _, list := range p.Matching.OutOfScope {
			for _, s := range list {
				if TellsOfBribe(s) {
					t.Errorf("%s: out of scope %q reads as a bribe", id, s)
				}
			}
		}
	}
}

// A message telling of a bribe is answered with the bribe entry at once,
// though every other word of it is another entry's; a hidden bribe entry
// answers nothing.
func TestBribeIsAnsweredWithItsEntry(t *testing.T) {
	p, err := LoadShippedPack("hsc")
	if err != nil {
		t.Fatal(err)
	}
	q := "Інспектор на практичному іспиті з водіння сказав, що без 200 доларів я не здам"
	if got := NewIndex(p.Entries, p.Matching).Ask(q).Best; got != "corruption_report" {
		t.Errorf("Ask(%q) = %q, want corruption_report", q, got)
	}
	entries := append([]Entry(nil), p.Entries...)
	for i := range entries {
		entries[i].Hidden = entries[i].ID == "corruption_report"
	}
	if got := NewIndex(entries, p.Matching).Ask(q).Best; got == "corruption_report" {
		t.Errorf("a hidden bribe entry answered %q", q)
	}
}
