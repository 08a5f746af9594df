package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
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
	for _, f := range []store.ResponseFilter{{}, {Kind: "rating"}, {Centre: "b"}, {Centres: []string{"a", "c"}}, {Kind: "rating", Centres: []string{"c"}}} {
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
			if len(f.Centres) > 0 && !slices.Contains(f.Centres, c.Centre) {
				t.Errorf("filter %+v: centre %q counted", f, c.Centre)
			}
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

		// The export streams the same responses, in the same order.
		var csv strings.Builder
		exported, err := store.ExportCSV(ctx, st.Reader(), f, nil, &csv)
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for _, line := range strings.Split(strings.TrimSpace(csv.String()), "\n")[1:] {
			refs = append(refs, strings.SplitN(line, ",", 2)[0])
		}
		var wantRefs []string
		for _, r := range list {
			wantRefs = append(wantRefs, dialogs.Ref(r.Kind, r.ID))
		}
		if exported != len(list) || !reflect.DeepEqual(refs, wantRefs) {
			t.Errorf("filter %+v: exported %d rows %v, want %d %v", f, exported, refs, len(list), wantRefs)
		}
	}
}

// allocated is how many bytes f allocates (the Go heap's running total).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// /stats over every rating of 200,000 allocates a few megabytes however
// many ratings there are: the tallies grow with centres × questions.
// (Reading the responses whole, as /stats did, took 650 MB of RSS.)
func TestTalliesOf200000RatingsFitInAFewMegabytes(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 200,000 ratings")
	}
	st := pgtest.New(t)
	pgtest.SeedRatings(t, st.DB(), 200000, centres150()...)
	var err error
	used := allocated(func() {
		_, _, err = store.ResponseTallies(context.Background(), st.DB(), store.ResponseFilter{})
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tallies of 200,000 ratings: %.1f MB allocated", float64(used)/1e6)
	if used > 8<<20 {
		t.Errorf("tallies of 200,000 ratings allocated %.1f MB; want under 8 MB", float64(used)/1e6)
	}
}

// BenchmarkStats200000 compares /stats' two ways over 200,000 ratings:
// every response read and summed in Go, and PostgreSQL's tallies.
//
//	go test -run x -bench Stats200000 -benchtime 3x ./store/
func BenchmarkStats200000(b *testing.B) {
	st := pgtest.New(b)
	pgtest.SeedRatings(b, st.DB(), 200000, centres150()...)
	ctx := context.Background()
	b.Run("read-all", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			list, err := store.SubmittedResponses(ctx, st.DB(), store.ResponseFilter{})
			if err != nil {
				b.Fatal(err)
			}
			subs := make([]dialogs.Submission, 0, len(list))
			for _, r := range list {
				subs = append(subs, r.Submission())
			}
			dialogs.Tallies(subs)
		}
	})
	b.Run("tallies", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := store.ResponseTallies(ctx, st.DB(), store.ResponseFilter{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// centres150 are 150 centre ids, c0 to c149: a network's worth.
func centres150() []string {
	out := make([]string, 150)
	for i := range out {
		out[i] = fmt.Sprintf("c%d", i)
	}
	return out
}
