package web

import (
	"testing"
	"time"

	"servicebot/locales"
)

// Durations on the dashboard are said in the page's language, with units
// a person reads («3 с», «1 год 5 хв»), not Go's «3s» or «1h5m0s».
func TestDashboardDurationsInThePagesLanguage(t *testing.T) {
	text, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	a := NewPages(nil, text, nil, "", 0, nil)
	for _, c := range []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"uk", 3 * time.Second, "3 с"},
		{"uk", 12*time.Minute + 20*time.Second, "12 хв"},
		{"uk", 65 * time.Minute, "1 год 5 хв"},
		{"ru", 65 * time.Minute, "1 ч 5 мин"},
	} {
		if got := a.duration(c.lang, c.d); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.lang, c.d, got, c.want)
		}
	}
}
