package store_test

import (
	"context"
	"testing"

	"servicebot/store"
	"servicebot/store/pgtest"
)

// A centre that is not in the list is kept as the person described it,
// through the draft and into the submitted response staff read.
func TestCentreNoteIsKeptWithTheResponse(t *testing.T) {
	st := pgtest.New(t)
	ctx := context.Background()
	db := st.DB()
	r, err := store.StartResponse(ctx, db, store.Response{Kind: "rating", Questionnaire: "rating", Version: 1, Pack: "hsc", UserID: 7, Lang: "uk"})
	if err != nil {
		t.Fatal(err)
	}
	r.CentreNote = "ТСЦ у Коростишеві"
	if err := store.SaveDraft(ctx, db, r); err != nil {
		t.Fatal(err)
	}
	d, err := store.DraftOf(ctx, db, 7, "rating")
	if err != nil || d.CentreNote != "ТСЦ у Коростишеві" || d.Centre != "" {
		t.Fatalf("draft: centre %q, note %q, %v", d.Centre, d.CentreNote, err)
	}
	if _, err := store.SubmitResponse(ctx, db, r.ID); err != nil {
		t.Fatal(err)
	}
	got, err := store.GetResponse(ctx, db, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s := got.Submission(); s.CentreNote != "ТСЦ у Коростишеві" {
		t.Errorf("submitted response: note %q", s.CentreNote)
	}
}
