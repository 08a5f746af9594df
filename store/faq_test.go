package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jmoiron/sqlx"

	"servicebot/dialogs"
	"servicebot/store"
	"servicebot/store/pgtest"
)

func entry(id, answer string) dialogs.Entry {
	return dialogs.Entry{ID: id, Category: "booking", Question: dialogs.Text{"uk": "Питання " + id}, Answer: dialogs.Text{"uk": answer}}
}

func TestFAQImportEditRollback(t *testing.T) {
	st := pgtest.New(t)
	ctx := context.Background()
	if has, _ := st.HasFAQ(ctx, "hsc"); has {
		t.Fatal("a fresh database has a FAQ")
	}
	added, changed, removed, err := st.ImportFAQ(ctx, "hsc", []dialogs.Entry{entry("a", "A1"), entry("b", "B1")}, 0)
	if err != nil || added != 2 || changed != 0 || removed != 0 {
		t.Fatalf("first import: %d %d %d %v", added, changed, removed, err)
	}
	// The same files again change nothing.
	if a, c, r, _ := st.ImportFAQ(ctx, "hsc", []dialogs.Entry{entry("a", "A1"), entry("b", "B1")}, 0); a+c+r != 0 {
		t.Errorf("re-import of the same content: %d %d %d", a, c, r)
	}
	// An edit by a staff member.
	const admin = 77
	err = st.InTx(ctx, func(tx *sqlx.Tx) error {
		return store.SaveFAQEntry(ctx, tx, "hsc", entry("a", "A2"), store.ActionEdit, admin)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := store.FAQEntry(ctx, st.DB(), "hsc", "a")
	if got.Answer["uk"] != "A2" {
		t.Fatalf("after the edit: %q", got.Answer["uk"])
	}
	revs, err := store.FAQRevisions(ctx, st.DB(), "hsc", "a", 10)
	if err != nil || len(revs) != 2 || revs[0].Action != store.ActionEdit || revs[0].Actor != admin ||
		revs[0].Before.Answer["uk"] != "A1" || revs[0].After.Answer["uk"] != "A2" {
		t.Fatalf("revisions: %+v %v", revs, err)
	}
	// Roll the edit back.
	err = st.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := store.RollbackFAQ(ctx, tx, "hsc", revs[0].ID, admin)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = store.FAQEntry(ctx, st.DB(), "hsc", "a")
	if got.Answer["uk"] != "A1" {
		t.Errorf("after the rollback: %q", got.Answer["uk"])
	}
	// Delete, then roll the deletion back.
	st.InTx(ctx, func(tx *sqlx.Tx) error { return store.DeleteFAQEntry(ctx, tx, "hsc", "b", admin) })
	if _, err := store.FAQEntry(ctx, st.DB(), "hsc", "b"); err == nil {
		t.Fatal("deleted entry still there")
	}
	revs, _ = store.FAQRevisions(ctx, st.DB(), "hsc", "b", 1)
	st.InTx(ctx, func(tx *sqlx.Tx) error { _, err := store.RollbackFAQ(ctx, tx, "hsc", revs[0].ID, admin); return err })
	if got, err := store.FAQEntry(ctx, st.DB(), "hsc", "b"); err != nil || got.Answer["uk"] != "B1" {
		t.Errorf("restored entry: %+v %v", got, err)
	}
	// An import that drops an entry deletes it.
	if _, _, r, _ := st.ImportFAQ(ctx, "hsc", []dialogs.Entry{entry("a", "A1")}, 0); r != 1 {
		t.Errorf("import without b removed %d", r)
	}
	all, _ := store.FAQEntries(ctx, st.DB(), "hsc")
	if len(all) != 1 || all[0].ID != "a" {
		t.Errorf("entries: %+v", all)
	}
}

func TestFAQVotesAndUnanswered(t *testing.T) {
	st := pgtest.New(t)
	ctx := context.Background()
	db := st.DB()
	vote := func(user int64, v int) bool {
		changed, err := store.VoteFAQ(ctx, db, "hsc", "a", user, v)
		if err != nil {
			t.Fatal(err)
		}
		return changed
	}
	if !vote(1, 1) || !vote(2, -1) {
		t.Error("first votes reported as unchanged")
	}
	if vote(2, -1) {
		t.Error("a double tap reported as a change")
	}
	if !vote(1, -1) {
		t.Error("a change of mind reported as unchanged")
	}
	if up, down, err := store.VoteCounts(ctx, db, "hsc", "a"); err != nil || up != 0 || down != 2 {
		t.Errorf("votes: %d up %d down %v", up, down, err)
	}
	var ids []int64
	for i := 0; i < 3; i++ {
		id, err := store.RecordUnanswered(ctx, db, "hsc", "погода", "Погода?", "uk", "nomatch", "")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if ids[0] != ids[2] {
		t.Errorf("one question grouped under ids %v", ids)
	}
	store.RecordUnanswered(ctx, db, "hsc", "инше", "інше", "uk", "nomatch", "")
	top, err := store.TopUnanswered(ctx, db, "hsc", 10)
	if err != nil || len(top) != 2 || top[0].Count != 3 || top[0].Sample != "Погода?" {
		t.Fatalf("top unanswered: %+v %v", top, err)
	}
	store.ResolveUnanswered(ctx, db, "hsc", top[0].ID)
	if top, _ := store.TopUnanswered(ctx, db, "hsc", 10); len(top) != 1 {
		t.Errorf("after resolving: %+v", top)
	}
}

// A chat keeps its latest offer only; taking it once records the question
// with the suggestions that missed, and a second take finds nothing.
func TestFAQOffers(t *testing.T) {
	st := pgtest.New(t)
	ctx := context.Background()
	db := st.DB()
	old, err := store.RecordOffer(ctx, db, "hsc", 5, store.Offer{Norm: "прав", Sample: "права", Lang: "uk", Suggestions: "a b"})
	if err != nil {
		t.Fatal(err)
	}
	latest, err := store.RecordOffer(ctx, db, "hsc", 5, store.Offer{Norm: "техпаспорт", Sample: "техпаспорт", Lang: "uk", Suggestions: "c d e"})
	if err != nil || latest == old {
		t.Fatalf("a second offer in the chat: id %d (the first %d), %v", latest, old, err)
	}
	if _, err := store.TakeOffer(ctx, db, "hsc", 5, old); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the replaced offer: %v; want not found", err)
	}
	if _, err := store.TakeOffer(ctx, db, "hsc", 6, latest); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another chat's offer: %v; want not found", err)
	}
	o, err := store.TakeOffer(ctx, db, "hsc", 5, latest)
	if err != nil || o.Sample != "техпаспорт" || o.Suggestions != "c d e" {
		t.Fatalf("take: %+v %v", o, err)
	}
	if _, err := store.TakeOffer(ctx, db, "hsc", 5, latest); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a second take: %v; want not found", err)
	}
	uid, err := store.RecordNoneFits(ctx, db, "hsc", o)
	if err != nil {
		t.Fatal(err)
	}
	u, err := store.GetUnanswered(ctx, db, "hsc", uid)
	if err != nil || u.Reason != "none" || u.Sample != "техпаспорт" || u.Suggestions != "c d e" {
		t.Errorf("unanswered: %+v %v", u, err)
	}
}
