package dialogs

import (
	"os"
	"testing"
)

// The development and blind sets measure questions the packs were not
// written from: no phrasing may share half the meaningful words (at least
// four) of it and a question together. A phrasing this flags is a copy,
// however reworded; write it from the answer instead.
func TestPhrasingsAreNotDevQuestions(t *testing.T) {
	qs := readDevSet(t)
	for _, q := range readEvalSet(t, "testdata/blind_questions.tsv") {
		if !blindAsPhrased[q.Question] {
			qs = append(qs, q)
		}
	}
	stems := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, w := range Terms(s) {
			m[w] = true
		}
		return m
	}
	for _, id := range []string{"hsc", "mfc"} {
		p, err := LoadShippedPack(id)
		if err != nil {
			t.Fatal(err)
		}
		var dev []map[string]bool
		var devText []string
		for _, q := range qs {
			if q.Pack == id {
				dev = append(dev, stems(q.Question))
				devText = append(devText, q.Question)
			}
		}
		for _, e := range p.Entries {
			for _, list := range e.Phrasings {
				for _, ph := range list {
					mine := stems(ph)
					for k, d := range dev {
						shared := 0
						for w := range mine {
							if d[w] {
								shared++
							}
						}
						union := len(mine) + len(d) - shared
						if shared >= 4 && shared*2 >= union {
							t.Errorf("%s: %s: phrasing %q shares %d of %d words with the evaluation sets' %q", id, e.ID, ph, shared, len(mine)+len(d)-shared, devText[k])
						}
					}
				}
			}
		}
	}
}

// readDevSet reads the development set of issue 14.
func readDevSet(t *testing.T) []EvalQuestion {
	t.Helper()
	return readEvalSet(t, "testdata/dev_questions.tsv")
}

// readEvalSet reads a question set in `servicebot faq eval`'s format.
func readEvalSet(t *testing.T, path string) []EvalQuestion {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := ReadEvalSet(f)
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

// blindAsPhrased are the blind set's questions that came out close to
// phrasings the packs had before the set was written (common questions
// are asked in common words): written independently, not copied. The
// README's figures say what the set reads without them.
var blindAsPhrased = map[string]bool{
	"график работы сервисного центра мвд":                                         true,
	"де взяти талон на е-чергу в сервісний центр":                                 true,
	"как записаться в мфц на определенное время":                                  true,
	"как обменять права онлайн не выходя из дома":                                 true,
	"купили нову машину в салоні як її поставити на облік":                        true,
	"мені видали перші права на два роки, вони закінчуються, що далі":             true,
	"навіщо огляд авто експертною службою і коли його роблять":                    true,
	"не могу отменить запись в сервисный центр где это сделать":                   true,
	"номер телефону сервісного центру мвс":                                        true,
	"поменяла фамилию после свадьбы, права надо менять?":                          true,
	"пришла смс с номера 0919 просят оценить, это не мошенники?":                  true,
	"хочу написать жалобу на сотрудника тсц, нахамил":                             true,
	"хочу отримати права вперше з чого почати":                                    true,
	"чи можна в сервісному центрі оформити договір купівлі продажу без нотаріуса": true,
	"я учасник бойових дій, можу без черги?":                                      true,
	"які послуги взагалі надає сервісний центр мвс":                               true,
}
