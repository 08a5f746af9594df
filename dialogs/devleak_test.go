package dialogs

import (
	"os"
	"testing"
)

// The development set measures questions the packs were not written from:
// no phrasing may share half the meaningful words (at least four) of it and
// a question together. A phrasing this flags is a copy, however reworded;
// write it from the answer instead.
func TestPhrasingsAreNotDevQuestions(t *testing.T) {
	qs := readDevSet(t)
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
							t.Errorf("%s: %s: phrasing %q shares %d of %d words with the development set's %q", id, e.ID, ph, shared, len(mine)+len(d)-shared, devText[k])
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
	f, err := os.Open("testdata/dev_questions.tsv")
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
