package store_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"

	"servicebot/dialogs"
	"servicebot/store"
	"servicebot/store/pgtest"
)

// PostgreSQL's tallies are the ones dialogs.Tallies makes of the same
// responses read whole, and the low ratings are the ones a scan finds:
// /stats and the dashboard can then read aggregates instead of every row.
func TestTalliesInSQLMatchTheDomain(t *testing.T) {
	st := pgtest.New(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	n := func(v int) *int { return &v }
	for i := 0; i < 120; i++ {
		kind := []string{"rating", "mystery"}[i%2]
		ans := dialogs.Answers{}
		for _, q := range []string{"time", "queue", "staff", "nps"} {
			switch rng.IntN(5) {
			case 0: // not asked
			case 1:
				ans[q] = dialogs.Answer{Skipped: true}
			default:
				top := 5
				if q == "nps" {
					top = 10
				}
				ans[q] = dialogs.Answer{Number: n(rng.IntN(top) + 1)}
			}
		}
		ans["comment"] = dialogs.Answer{Text: "5"}
		r, err := store.StartResponse(ctx, st.DB(), store.Response{Kind: kind, Questionnaire: kind, Version: 1, Pack: "hsc",
			UserID: int64(5000 + i), Centre: []string{"a", "b", "c"}[i%3], Lang: "uk", Answers: ans})
		if err != nil {
			t.Fatal(err)
		}
		if i%7 != 0 { // some stay drafts, which count nowhere
			if _, err := store.SubmitResponse(ctx, st.DB(), r.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range []store.ResponseFilter{{}, {Kind: "rating"}, {Centre: "b"}} {
		list, err := store.SubmittedResponses(ctx, st.DB(), f)
		if err != nil {
			t.Fatal(err)
		}
		var subs []dialogs.Submission
		wantCounts := map[[2]string]int{}
		for _, r := range list {
			subs = append(subs, r.Submission())
			wantCounts[[2]string{r.Kind, r.Centre}]++
		}
		counts, tallies, err := store.ResponseTallies(ctx, st.Reader(), f)
		if err != nil {
			t.Fatal(err)
		}
		if want := dialogs.Tallies(subs); !reflect.DeepEqual(tallies, want) {
			t.Errorf("filter %+v: SQL tallies\n%+v\nwant\n%+v", f, tallies, want)
		}
		got := map[[2]string]int{}
		for _, c := range counts {
			got[[2]string{c.Kind, c.Centre}] = c.N
		}
		if !reflect.DeepEqual(got, wantCounts) {
			t.Errorf("filter %+v: counts %v, want %v", f, got, wantCounts)
		}

		crit := []string{"time", "queue", "staff"}
		var wantLow []int64
		for i := len(list) - 1; i >= 0; i-- {
			r := list[i]
			if r.Kind != "rating" {
				continue
			}
			for _, c := range crit {
				if a := r.Answers[c]; a.Number != nil && !a.Skipped && *a.Number <= 2 {
					wantLow = append(wantLow, r.ID)
					break
				}
			}
		}
		low, total, err := store.LowRatings(ctx, st.Reader(), f, crit, 2, 5)
		if err != nil {
			t.Fatal(err)
		}
		var gotLow []int64
		for _, r := range low {
			gotLow = append(gotLow, r.ID)
		}
		if total != len(wantLow) || !reflect.DeepEqual(gotLow, wantLow[:min(5, len(wantLow))]) {
			t.Errorf("filter %+v: low ratings %v of %d, want %v of %d", f, gotLow, total, wantLow[:min(5, len(wantLow))], len(wantLow))
		}
	}
}
