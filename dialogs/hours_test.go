package dialogs

import (
	"testing"
	"time"
)

func TestSchedule(t *testing.T) {
	p := &Pack{Timezone: "Europe/Kyiv", BusinessHours: []BusinessHours{
		{Days: []string{"tue", "wed", "thu", "fri"}, Open: "08:00", Close: "17:00"},
		{Days: []string{"sat"}, Open: "08:00", Close: "15:45"},
	}}
	s, err := p.Schedule()
	if err != nil {
		t.Fatal(err)
	}
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	at := func(day, hour, min int) time.Time { return time.Date(2026, 11, day, hour, min, 0, 0, kyiv) } // 2026-11-24 is a Tuesday
	tests := []struct {
		t    time.Time
		open bool
		next time.Time
	}{
		{at(24, 9, 0), true, at(24, 9, 0)},
		{at(24, 7, 59), false, at(24, 8, 0)},
		{at(24, 17, 0), false, at(25, 8, 0)},
		{at(28, 15, 44), true, at(28, 15, 44)},
		{at(28, 16, 0), false, at(1+30, 8, 0).AddDate(0, 0, 0)}, // Saturday evening → Tuesday
		{at(23, 12, 0), false, at(24, 8, 0)},                    // Monday
	}
	tests[4].next = time.Date(2026, 12, 1, 8, 0, 0, 0, kyiv)
	for _, tt := range tests {
		if got := s.Open(tt.t); got != tt.open {
			t.Errorf("Open(%s) = %v", tt.t, got)
		}
		if got := s.NextOpen(tt.t); !got.Equal(tt.next) {
			t.Errorf("NextOpen(%s) = %s, want %s", tt.t, got, tt.next)
		}
	}
	// Friday 16:50 to Saturday 08:20 is 10 + 20 business minutes.
	if got := s.Elapsed(at(27, 16, 50), at(28, 8, 20)); got != 30*time.Minute {
		t.Errorf("Elapsed over a night = %s, want 30m", got)
	}
	if got := s.Elapsed(at(24, 9, 0), at(24, 9, 45)); got != 45*time.Minute {
		t.Errorf("Elapsed within a day = %s", got)
	}
	always, _ := (&Pack{}).Schedule()
	if !always.Open(at(23, 3, 0)) || always.Elapsed(at(23, 3, 0), at(23, 4, 0)) != time.Hour {
		t.Error("a pack without hours is not always open")
	}
}
