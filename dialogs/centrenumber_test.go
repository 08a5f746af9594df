package dialogs

import "testing"

func TestCentresAskedByNumber(t *testing.T) {
	p := hscPack(t)
	for _, c := range []struct{ q, want string }{
		{"Який графік роботи центру 8046?", "kyiv8046"},
		{"коли працює 8046", "kyiv8046"},
		{"режим роботи сервісного центру 8046", "kyiv8046"},
		{"де знаходиться 5154?", "odesa5154"},
		// No question of place or hours, or no centre's number.
		{"8046", ""},
		{"скільки коштує заміна прав у 8046", ""},
		{"коли працює тсц 9999", ""},
		{"графік роботи тсц", ""},
	} {
		got := p.CentresAskedByNumber(c.q)
		switch {
		case c.want == "" && len(got) > 0:
			t.Errorf("CentresAskedByNumber(%q) = %s…; want none", c.q, got[0].ID)
		case c.want != "" && (len(got) == 0 || got[0].ID != c.want):
			t.Errorf("CentresAskedByNumber(%q) = %v; want %s", c.q, got, c.want)
		}
	}
}
