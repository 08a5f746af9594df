package store_test

import (
	"context"
	"testing"
	"time"

	"servicebot/dialogs"
	"servicebot/store"
	"servicebot/store/pgtest"
)

func TestRatingsCountOnlySubmittedScores(t *testing.T) {
	st := pgtest.New(t)
	ctx := context.Background()
	db := st.DB()
	n := func(v int) *int { return &v }
	add := func(user int64, kind, pack, centre string, ans dialogs.Answers, submit bool, at string) {
		t.Helper()
		r, err := store.StartResponse(ctx, db, store.Response{Kind: kind, Questionnaire: kind, Version: 1, Pack: pack, UserID: user, Centre: centre, Lang: "uk", Answers: ans})
		if err != nil {
			t.Fatal(err)
		}
		if !submit {
			return
		}
		if _, err := store.SubmitResponse(ctx, db, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE responses SET submitted_at = $2 WHERE id = $1`, r.ID, at); err != nil {
			t.Fatal(err)
		}
	}
	add(1, "rating", "hsc", "a", dialogs.Answers{"time": {Number: n(5)}, "queue": {Number: n(2)}}, true, "2026-09-10T10:00:00Z")
	add(2, "rating", "hsc", "a", dialogs.Answers{"time": {Number: n(3)}, "queue": {Skipped: true}, "comment": {Text: "5"}}, true, "2026-10-31T23:30:00Z")
	add(3, "rating", "hsc", "a", dialogs.Answers{"time": {Number: n(1)}}, false, "")                     // a draft
	add(4, "mystery", "hsc", "a", dialogs.Answers{"time": {Number: n(1)}}, true, "2026-10-01T10:00:00Z") // another kind
	add(5, "rating", "mfc", "a", dialogs.Answers{"time": {Number: n(1)}}, true, "2026-10-01T10:00:00Z")  // another pack
	add(6, "rating", "hsc", "b", dialogs.Answers{"time": {Number: n(4)}, "queue": {Number: n(4)}}, true, "2026-10-01T10:00:00Z")

	got, err := store.RatingsByCentre(ctx, db, "hsc", []string{"time", "queue"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Centre != "a" || got[0].Count != 2 || got[0].Criteria["time"] != 4 || got[0].Criteria["queue"] != 2 {
		t.Fatalf("by centre: %+v", got)
	}
	if got[1].Centre != "b" || got[1].Count != 1 || got[1].Criteria["time"] != 4 {
		t.Errorf("centre b: %+v", got[1])
	}

	// 23:30 UTC on 31 October is 1 November in Kyiv.
	months, err := store.RatingsByMonth(ctx, db, "hsc", []string{"time", "queue"}, "Europe/Kyiv", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		centre, month string
		count         int
		avg           float64
	}{{"a", "2026-09", 1, 3.5}, {"a", "2026-11", 1, 3}, {"b", "2026-10", 1, 4}}
	if len(months) != len(want) {
		t.Fatalf("by month: %+v", months)
	}
	for i, w := range want {
		m := months[i]
		if m.Centre != w.centre || m.Month.Format("2006-01") != w.month || m.Count != w.count || m.Average != w.avg {
			t.Errorf("month %d: got %s %s %d %v, want %+v", i, m.Centre, m.Month.Format("2006-01"), m.Count, m.Average, w)
		}
	}
}
