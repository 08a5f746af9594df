package dialogs

import (
	"fmt"
	"sync"
	"time"
)

// Schedule is when moderators answer: the pack's business hours in its
// timezone.
type Schedule struct {
	loc  *time.Location
	open map[time.Weekday][][2]int // minutes after midnight: [open, close)
}

var weekdayByName = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// Hours is the pack's business hours, and none when the pack gives none
// it can read (dialogs validate reports those).
func (p *Pack) Hours() Schedule {
	s, err := p.Schedule()
	if err != nil {
		return Schedule{}
	}
	return s
}

// Schedule returns the pack's business hours. A pack without any is open
// around the clock.
func (p *Pack) Schedule() (Schedule, error) {
	loc := time.UTC
	if p.Timezone != "" {
		l, err := loadLocation(p.Timezone)
		if err != nil {
			return Schedule{}, fmt.Errorf("dialogs: timezone %q: %w", p.Timezone, err)
		}
		loc = l
	}
	s := Schedule{loc: loc, open: map[time.Weekday][][2]int{}}
	for _, h := range p.BusinessHours {
		var oh, om, ch, cm int
		if _, err := fmt.Sscanf(h.Open+" "+h.Close, "%d:%d %d:%d", &oh, &om, &ch, &cm); err != nil {
			return Schedule{}, fmt.Errorf("dialogs: business hours %q–%q: %w", h.Open, h.Close, err)
		}
		for _, d := range h.Days {
			wd, ok := weekdayByName[d]
			if !ok {
				return Schedule{}, fmt.Errorf("dialogs: business hours: unknown day %q", d)
			}
			s.open[wd] = append(s.open[wd], [2]int{oh*60 + om, ch*60 + cm})
		}
	}
	return s, nil
}

// Always reports whether the schedule has no hours, i.e. is always open.
func (s Schedule) Always() bool { return len(s.open) == 0 }

// Open reports whether t falls within business hours.
func (s Schedule) Open(t time.Time) bool {
	if s.Always() {
		return true
	}
	t = t.In(s.loc)
	m := t.Hour()*60 + t.Minute()
	for _, span := range s.open[t.Weekday()] {
		if m >= span[0] && m < span[1] {
			return true
		}
	}
	return false
}

// NextOpen returns t when business hours are on, else when they next begin
// (within a week), in the schedule's timezone.
func (s Schedule) NextOpen(t time.Time) time.Time {
	t = t.In(s.loc)
	if s.Open(t) {
		return t
	}
	for day := 0; day <= 7; day++ {
		d := time.Date(t.Year(), t.Month(), t.Day()+day, 0, 0, 0, 0, s.loc)
		best := -1
		for _, span := range s.open[d.Weekday()] {
			start := d.Add(time.Duration(span[0]) * time.Minute)
			if start.After(t) && (best < 0 || span[0] < best) {
				best = span[0]
			}
		}
		if best >= 0 {
			return d.Add(time.Duration(best) * time.Minute)
		}
	}
	return t
}

// Elapsed is the business time between from and to: how long a ticket has
// really waited for a moderator.
func (s Schedule) Elapsed(from, to time.Time) time.Duration {
	if s.Always() {
		return to.Sub(from)
	}
	if !to.After(from) {
		return 0
	}
	var total time.Duration
	from, to = from.In(s.loc), to.In(s.loc)
	for d := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, s.loc); d.Before(to); d = d.AddDate(0, 0, 1) {
		for _, span := range s.open[d.Weekday()] {
			a := d.Add(time.Duration(span[0]) * time.Minute)
			b := d.Add(time.Duration(span[1]) * time.Minute)
			if a.Before(from) {
				a = from
			}
			if b.After(to) {
				b = to
			}
			if b.After(a) {
				total += b.Sub(a)
			}
		}
	}
	return total
}

// Location is the schedule's timezone.
func (s Schedule) Location() *time.Location { return s.loc }

// locations keeps the time zones loaded: time.LoadLocation reads the zone
// database from disk on every call, and a questionnaire's every answer
// asks for the pack's hours.
var locations sync.Map // name → *time.Location

func loadLocation(name string) (*time.Location, error) {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, l)
	return l, nil
}
