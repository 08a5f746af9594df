package store_test

import (
	"context"
	"testing"

	"servicebot/store"
	"servicebot/store/pgtest"
)

// The links kept as plain user ids before migration 00009 are sealed by
// what the bot gives, those older than the link's life are dropped, and
// the table of plain links is gone.
func TestSealReportersReplacesThePlainLinks(t *testing.T) {
	st := pgtest.New(t)
	db := st.DB()
	for _, q := range []string{
		`INSERT INTO integrity_reports (id, pseudonym, anonymous, lang, text, created_at) VALUES
		 (1, 'R-AAAAAA', true, 'uk', 'recent', now() - interval '10 days'),
		 (2, 'R-BBBBBB', true, 'uk', 'old', now() - interval '200 days')`,
		`INSERT INTO integrity_reporters_unsealed (report_id, user_id) VALUES (1, 4242), (2, 4343)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	n, err := st.SealReporters(context.Background(), 90*day, func(o store.UnsealedReporter) (store.ReporterLink, error) {
		return store.ReporterLink{Box: []byte{0xb0, byte(o.ReportID)}, Tag: []byte{0x7a}}, nil
	})
	if err != nil || n != 1 {
		t.Fatalf("sealed %d, %v", n, err)
	}
	r1, _ := store.GetIntegrityReport(context.Background(), db, 1)
	r2, _ := store.GetIntegrityReport(context.Background(), db, 2)
	if string(r1.ReporterBox) != "\xb0\x01" || r2.ReporterBox != nil {
		t.Errorf("boxes: %x, %x", r1.ReporterBox, r2.ReporterBox)
	}
	if hits := pgtest.Search(t, db, "4242", "4343"); len(hits) != 0 {
		t.Errorf("the plain links are still there: %v", hits)
	}
	// A second start finds nothing to do.
	if n, err := st.SealReporters(context.Background(), 90*day, nil); err != nil || n != 0 {
		t.Errorf("again: %d, %v", n, err)
	}
}
