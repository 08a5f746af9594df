package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"servicebot/dialogs"
	"servicebot/store"
	"servicebot/store/pgtest"
)

func TestExportResponses(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	st, err := store.Open(ctx, url, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	four, two := 4, 2
	r, err := store.StartResponse(ctx, st.DB(), store.Response{
		Kind: "rating", Questionnaire: "rating", Version: 1, Pack: "hsc", UserID: 5, Centre: "kyiv8046", Desk: 2, Lang: "uk",
		Answers: dialogs.Answers{"time": {Number: &four}, "queue": {Number: &two}, "what_wrong": {Text: "черга, «табло»"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SubmitResponse(ctx, st.DB(), r.ID); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"export", "responses", "--format", "csv", "--kind", "rating"}, env("DATABASE_URL", url), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv: %d rows, %v", len(rows), err)
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	got := rows[1]
	if got[col["ref"]] != "R-"+strings.TrimPrefix(dialogs.Ref("rating", r.ID), "R-") || got[col["centre"]] != "kyiv8046" || got[col["desk"]] != "2" ||
		got[col["time"]] != "4" || got[col["queue"]] != "2" || got[col["what_wrong"]] != "черга, «табло»" || got[col["version"]] != "1" {
		t.Errorf("row %v (header %v)", got, rows[0])
	}
	out.Reset()
	if code := run([]string{"export", "responses", "--format", "json"}, env("DATABASE_URL", url), &out, &errOut); code != 0 {
		t.Fatalf("json exit %d: %s", code, errOut.String())
	}
	var subs []dialogs.Submission
	if err := json.Unmarshal(out.Bytes(), &subs); err != nil || len(subs) != 1 || *subs[0].Answers["queue"].Number != 2 {
		t.Errorf("json: %+v %v", subs, err)
	}
	if code := run([]string{"export", "responses", "--format", "xml"}, env("DATABASE_URL", url), &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "--format") {
		t.Errorf("a bad format: exit %d, %q", code, errOut.String())
	}
}
