package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"servicebot/dialogs"
)

// FAQChannel is the LISTEN/NOTIFY channel that tells every process a pack's
// FAQ changed; the payload is the pack id.
const FAQChannel = "servicebot_faq"

// Revision actions.
const (
	ActionImport   = "import"
	ActionCreate   = "create"
	ActionEdit     = "edit"
	ActionHide     = "hide"
	ActionShow     = "show"
	ActionDelete   = "delete"
	ActionRollback = "rollback"
)

// HasFAQ reports whether the pack's FAQ has ever been loaded.
func (s *Store) HasFAQ(ctx context.Context, pack string) (bool, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM faq_entries WHERE pack = $1`, pack); err != nil {
		return false, fmt.Errorf("store: unable to check the FAQ of %s: %w", pack, err)
	}
	return n > 0, nil
}

// FAQEntries returns the live copy of the pack's FAQ, hidden entries too,
// in pack order.
func FAQEntries(ctx context.Context, q sqlx.QueryerContext, pack string) ([]dialogs.Entry, error) {
	var raws []string
	err := sqlx.SelectContext(ctx, q, &raws, `SELECT entry::text FROM faq_entries WHERE pack = $1 ORDER BY position, id`, pack)
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch the FAQ of %s: %w", pack, err)
	}
	out := make([]dialogs.Entry, 0, len(raws))
	for _, raw := range raws {
		var e dialogs.Entry
		if err := json.Unmarshal([]byte(raw), &e); err != nil {
			return nil, fmt.Errorf("store: a FAQ entry of %s does not decode: %w", pack, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// FAQEntry returns one entry of the live copy, or ErrNotFound.
func FAQEntry(ctx context.Context, q sqlx.QueryerContext, pack, id string) (dialogs.Entry, error) {
	var raw string
	err := sqlx.GetContext(ctx, q, &raw, `SELECT entry::text FROM faq_entries WHERE pack = $1 AND id = $2`, pack, id)
	if err != nil {
		return dialogs.Entry{}, fmt.Errorf("store: unable to fetch FAQ entry %s/%s: %w", pack, id, notFound(err))
	}
	var e dialogs.Entry
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		return dialogs.Entry{}, fmt.Errorf("store: FAQ entry %s/%s does not decode: %w", pack, id, err)
	}
	return e, nil
}

// ImportFAQ makes the live copy equal to entries: new ones are added,
// changed ones replaced, missing ones deleted, each with a revision.
func (s *Store) ImportFAQ(ctx context.Context, pack string, entries []dialogs.Entry, actor int64) (added, changed, removed int, err error) {
	err = s.InTx(ctx, func(tx *sqlx.Tx) error {
		current, err := FAQEntries(ctx, tx, pack)
		if err != nil {
			return err
		}
		old := map[string]dialogs.Entry{}
		for _, e := range current {
			old[e.ID] = e
		}
		keep := map[string]bool{}
		for i, e := range entries {
			keep[e.ID] = true
			before, had := old[e.ID]
			if had && sameEntry(before, e) {
				if _, err := tx.ExecContext(ctx, `UPDATE faq_entries SET position = $3 WHERE pack = $1 AND id = $2`, pack, e.ID, i); err != nil {
					return fmt.Errorf("store: unable to import %s/%s: %w", pack, e.ID, err)
				}
				continue
			}
			var b *dialogs.Entry
			if had {
				b = &before
				changed++
			} else {
				added++
			}
			if err := putEntry(ctx, tx, pack, e, i); err != nil {
				return err
			}
			if err := addRevision(ctx, tx, pack, e.ID, ActionImport, actor, b, &e); err != nil {
				return err
			}
		}
		for _, e := range current {
			if keep[e.ID] {
				continue
			}
			removed++
			if _, err := tx.ExecContext(ctx, `DELETE FROM faq_entries WHERE pack = $1 AND id = $2`, pack, e.ID); err != nil {
				return fmt.Errorf("store: unable to import %s: %w", pack, err)
			}
			if err := addRevision(ctx, tx, pack, e.ID, ActionImport, actor, &e, nil); err != nil {
				return err
			}
		}
		return notifyFAQ(ctx, tx, pack)
	})
	return added, changed, removed, err
}

// SaveFAQEntry creates or replaces one entry, recording who did it.
func SaveFAQEntry(ctx context.Context, tx *sqlx.Tx, pack string, e dialogs.Entry, action string, actor int64) error {
	before, err := FAQEntry(ctx, tx, pack, e.ID)
	var b *dialogs.Entry
	switch {
	case err == nil:
		b = &before
	case !errors.Is(err, ErrNotFound):
		return err
	}
	pos := 0
	if b == nil {
		if err := tx.GetContext(ctx, &pos, `SELECT coalesce(max(position), -1) + 1 FROM faq_entries WHERE pack = $1`, pack); err != nil {
			return fmt.Errorf("store: unable to save %s/%s: %w", pack, e.ID, err)
		}
	} else if err := tx.GetContext(ctx, &pos, `SELECT position FROM faq_entries WHERE pack = $1 AND id = $2`, pack, e.ID); err != nil {
		return fmt.Errorf("store: unable to save %s/%s: %w", pack, e.ID, err)
	}
	if err := putEntry(ctx, tx, pack, e, pos); err != nil {
		return err
	}
	if err := addRevision(ctx, tx, pack, e.ID, action, actor, b, &e); err != nil {
		return err
	}
	return notifyFAQ(ctx, tx, pack)
}

// DeleteFAQEntry removes an entry, keeping it in its revision.
func DeleteFAQEntry(ctx context.Context, tx *sqlx.Tx, pack, id string, actor int64) error {
	before, err := FAQEntry(ctx, tx, pack, id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM faq_entries WHERE pack = $1 AND id = $2`, pack, id); err != nil {
		return fmt.Errorf("store: unable to delete %s/%s: %w", pack, id, err)
	}
	if err := addRevision(ctx, tx, pack, id, ActionDelete, actor, &before, nil); err != nil {
		return err
	}
	return notifyFAQ(ctx, tx, pack)
}

// Revision is one recorded change of a FAQ entry.
type Revision struct {
	ID      int64          `db:"id"`
	EntryID string         `db:"entry_id"`
	Action  string         `db:"action"`
	Actor   int64          `db:"actor"`
	At      time.Time      `db:"at"`
	Before  *dialogs.Entry `db:"-"`
	After   *dialogs.Entry `db:"-"`
}

type revisionRow struct {
	Revision
	BeforeRaw sql.NullString `db:"before"`
	AfterRaw  sql.NullString `db:"after"`
}

// FAQRevisions lists an entry's changes, newest first.
func FAQRevisions(ctx context.Context, q sqlx.QueryerContext, pack, id string, limit int) ([]Revision, error) {
	var rows []revisionRow
	err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT id, entry_id, action, actor, at, before::text AS before, after::text AS after
		FROM faq_revisions WHERE pack = $1 AND entry_id = $2 ORDER BY id DESC LIMIT $3`, pack, id, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the revisions of %s/%s: %w", pack, id, err)
	}
	out := make([]Revision, 0, len(rows))
	for _, r := range rows {
		rev := r.Revision
		rev.Before, rev.After = decodeEntry(r.BeforeRaw), decodeEntry(r.AfterRaw)
		out = append(out, rev)
	}
	return out, nil
}

// RollbackFAQ undoes revision revID: the entry becomes what it was before
// that change (and is deleted if it did not exist then). The rollback is a
// revision of its own. It returns the entry id.
func RollbackFAQ(ctx context.Context, tx *sqlx.Tx, pack string, revID, actor int64) (string, error) {
	var r revisionRow
	err := tx.GetContext(ctx, &r, `
		SELECT id, entry_id, action, actor, at, before::text AS before, after::text AS after
		FROM faq_revisions WHERE pack = $1 AND id = $2`, pack, revID)
	if err != nil {
		return "", fmt.Errorf("store: unable to find revision %d: %w", revID, notFound(err))
	}
	target := decodeEntry(r.BeforeRaw)
	current, err := FAQEntry(ctx, tx, pack, r.EntryID)
	var cur *dialogs.Entry
	switch {
	case err == nil:
		cur = &current
	case !errors.Is(err, ErrNotFound):
		return "", err
	}
	if target == nil {
		if cur != nil {
			if _, err := tx.ExecContext(ctx, `DELETE FROM faq_entries WHERE pack = $1 AND id = $2`, pack, r.EntryID); err != nil {
				return "", fmt.Errorf("store: unable to roll back %d: %w", revID, err)
			}
		}
	} else {
		pos := 1 << 30
		if cur != nil {
			tx.GetContext(ctx, &pos, `SELECT position FROM faq_entries WHERE pack = $1 AND id = $2`, pack, r.EntryID)
		}
		if err := putEntry(ctx, tx, pack, *target, pos); err != nil {
			return "", err
		}
	}
	if err := addRevision(ctx, tx, pack, r.EntryID, ActionRollback, actor, cur, target); err != nil {
		return "", err
	}
	return r.EntryID, notifyFAQ(ctx, tx, pack)
}

// VoteFAQ records a person's 👍 (1) or 👎 (-1) on an entry; a second vote
// replaces the first. changed is false when the vote was already so (a
// double tap).
func VoteFAQ(ctx context.Context, q sqlx.QueryerContext, pack, entryID string, userID int64, vote int) (changed bool, err error) {
	rows, err := q.QueryContext(ctx, `
		INSERT INTO faq_votes (pack, entry_id, user_id, vote) VALUES ($1, $2, $3, $4)
		ON CONFLICT (pack, entry_id, user_id) DO UPDATE SET vote = $4, at = now()
		WHERE faq_votes.vote <> $4
		RETURNING 1`, pack, entryID, userID, vote)
	if err != nil {
		return false, fmt.Errorf("store: unable to record a vote on %s/%s: %w", pack, entryID, err)
	}
	defer rows.Close()
	changed = rows.Next()
	return changed, rows.Err()
}

// VoteCounts returns 👍 and 👎 counts of an entry.
func VoteCounts(ctx context.Context, q sqlx.QueryerContext, pack, entryID string) (up, down int, err error) {
	err = q.QueryRowxContext(ctx, `SELECT count(*) FILTER (WHERE vote = 1), count(*) FILTER (WHERE vote = -1)
		FROM faq_votes WHERE pack = $1 AND entry_id = $2`, pack, entryID).Scan(&up, &down)
	if err != nil {
		return 0, 0, fmt.Errorf("store: unable to count votes on %s/%s: %w", pack, entryID, err)
	}
	return up, down, nil
}

// Unanswered is a question the FAQ did not answer, with how often it came.
type Unanswered struct {
	ID      int64  `db:"id"`
	Sample  string `db:"sample"`
	Lang    string `db:"lang"`
	Reason  string `db:"reason"` // nomatch, none (none of the suggestions) or downvote
	EntryID string `db:"entry_id"`
	// Suggestions are the entries offered before the person said none
	// fits, space-separated.
	Suggestions string    `db:"suggestions"`
	Count       int       `db:"count"`
	LastAt      time.Time `db:"last_at"`
}

// RecordUnanswered counts a question the FAQ could not answer. Questions
// that fold to the same norm are one group; it returns the group's id.
func RecordUnanswered(ctx context.Context, q sqlx.QueryerContext, pack, norm, sample, lang, reason, entryID string) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, `
		INSERT INTO faq_unanswered (pack, norm, sample, lang, reason, entry_id) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (pack, norm, reason, entry_id)
		DO UPDATE SET count = faq_unanswered.count + 1, last_at = now(), sample = $3, resolved = false
		RETURNING id`,
		pack, norm, sample, lang, reason, entryID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: unable to record an unanswered question: %w", err)
	}
	return id, nil
}

// Offer is the suggestions the FAQ offered in a chat for a question.
type Offer struct {
	ID          int64  `db:"id"`
	Norm        string `db:"norm"`
	Sample      string `db:"sample"`
	Lang        string `db:"lang"`
	Suggestions string `db:"suggestions"` // entry ids, space-separated
}

// RecordOffer keeps the suggestions offered in a chat, replacing the
// chat's previous offer, and returns the offer's id.
func RecordOffer(ctx context.Context, q sqlx.QueryerContext, pack string, chat int64, o Offer) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, `
		INSERT INTO faq_offers (pack, chat_id, norm, sample, lang, suggestions) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (pack, chat_id)
		DO UPDATE SET id = nextval('faq_offers_id_seq'), norm = $3, sample = $4, lang = $5, suggestions = $6, at = now()
		RETURNING id`,
		pack, chat, o.Norm, o.Sample, o.Lang, o.Suggestions).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: unable to record an offer: %w", err)
	}
	return id, nil
}

// TakeOffer removes and returns the chat's offer id; ErrNotFound when it
// was replaced or taken already.
func TakeOffer(ctx context.Context, q sqlx.QueryerContext, pack string, chat, id int64) (Offer, error) {
	var o Offer
	err := sqlx.GetContext(ctx, q, &o, `
		DELETE FROM faq_offers WHERE pack = $1 AND chat_id = $2 AND id = $3
		RETURNING id, norm, sample, lang, suggestions`, pack, chat, id)
	if err != nil {
		return Offer{}, fmt.Errorf("store: unable to take offer %d: %w", id, notFound(err))
	}
	return o, nil
}

// RecordNoneFits counts a question none of the offered suggestions
// answered, with them; it returns the group's id.
func RecordNoneFits(ctx context.Context, q sqlx.QueryerContext, pack string, o Offer) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, `
		INSERT INTO faq_unanswered (pack, norm, sample, lang, reason, suggestions) VALUES ($1, $2, $3, $4, 'none', $5)
		ON CONFLICT (pack, norm, reason, entry_id)
		DO UPDATE SET count = faq_unanswered.count + 1, last_at = now(), sample = $3, suggestions = $5, resolved = false
		RETURNING id`,
		pack, o.Norm, o.Sample, o.Lang, o.Suggestions).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: unable to record an unanswered question: %w", err)
	}
	return id, nil
}

// TopUnanswered lists the most frequent unresolved questions.
func TopUnanswered(ctx context.Context, q sqlx.QueryerContext, pack string, limit int) ([]Unanswered, error) {
	var out []Unanswered
	err := sqlx.SelectContext(ctx, q, &out, `
		SELECT id, sample, lang, reason, entry_id, suggestions, count, last_at FROM faq_unanswered
		WHERE pack = $1 AND NOT resolved ORDER BY count DESC, last_at DESC LIMIT $2`, pack, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list unanswered questions: %w", err)
	}
	return out, nil
}

// GetUnanswered returns one group.
func GetUnanswered(ctx context.Context, q sqlx.QueryerContext, pack string, id int64) (Unanswered, error) {
	var u Unanswered
	err := sqlx.GetContext(ctx, q, &u, `
		SELECT id, sample, lang, reason, entry_id, suggestions, count, last_at FROM faq_unanswered WHERE pack = $1 AND id = $2`, pack, id)
	if err != nil {
		return Unanswered{}, fmt.Errorf("store: unable to fetch unanswered question %d: %w", id, notFound(err))
	}
	return u, nil
}

// ResolveUnanswered marks a group dealt with.
func ResolveUnanswered(ctx context.Context, q sqlx.ExecerContext, pack string, id int64) error {
	if _, err := q.ExecContext(ctx, `UPDATE faq_unanswered SET resolved = true WHERE pack = $1 AND id = $2`, pack, id); err != nil {
		return fmt.Errorf("store: unable to resolve unanswered question %d: %w", id, err)
	}
	return nil
}

func putEntry(ctx context.Context, tx *sqlx.Tx, pack string, e dialogs.Entry, pos int) error {
	raw, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("store: unable to encode %s/%s: %w", pack, e.ID, err)
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO faq_entries (pack, id, category, position, hidden, entry, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, now())
		ON CONFLICT (pack, id) DO UPDATE SET category = $3, position = $4, hidden = $5, entry = $6, updated_at = now()`,
		pack, e.ID, e.Category, pos, e.Hidden, string(raw))
	if err != nil {
		return fmt.Errorf("store: unable to save %s/%s: %w", pack, e.ID, err)
	}
	return nil
}

func addRevision(ctx context.Context, tx *sqlx.Tx, pack, id, action string, actor int64, before, after *dialogs.Entry) error {
	enc := func(e *dialogs.Entry) any {
		if e == nil {
			return nil
		}
		b, _ := json.Marshal(e)
		return string(b)
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO faq_revisions (pack, entry_id, action, actor, before, after) VALUES ($1, $2, $3, $4, $5, $6)`,
		pack, id, action, actor, enc(before), enc(after))
	if err != nil {
		return fmt.Errorf("store: unable to record a revision of %s/%s: %w", pack, id, err)
	}
	return nil
}

func notifyFAQ(ctx context.Context, tx *sqlx.Tx, pack string) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, FAQChannel, pack); err != nil {
		return fmt.Errorf("store: unable to announce the FAQ change: %w", err)
	}
	return nil
}

func decodeEntry(raw sql.NullString) *dialogs.Entry {
	if !raw.Valid {
		return nil
	}
	var e dialogs.Entry
	if json.Unmarshal([]byte(raw.String), &e) != nil {
		return nil
	}
	return &e
}

func sameEntry(a, b dialogs.Entry) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
