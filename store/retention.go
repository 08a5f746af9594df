package store

import (
	"context"
	"fmt"
	"time"
)

// Retention says how long the store keeps what it no longer needs. A zero
// duration keeps that kind of row for ever.
type Retention struct {
	// Inbox: updates handled (done, skipped or failed) longer ago than this
	// are deleted, and so are effects delivered or set aside that long ago.
	// Pending updates and effects are never touched.
	Inbox time.Duration
	// PersonalData: what citizens wrote is blanked this long after it stops
	// being needed: the messages, subject and source text of tickets closed
	// that long ago, and the samples of unanswered FAQ questions last asked
	// that long ago (and the questions suggestions were offered for).
	// Ids and counts stay, so the statistics do too.
	PersonalData time.Duration
	// BatchSize is the number of rows per statement, so that no statement
	// holds locks for long; 0 means 1000.
	BatchSize int
}

// Retained is what one pass of retention did.
type Retained struct {
	Ran            bool  // false when another process was running it
	InboxDeleted   int64 // inbox rows deleted
	OutboxDeleted  int64 // effects delivered (or set aside) and deleted
	Tickets        int64 // tickets whose subject and source text were cleared
	TicketMessages int64 // ticket messages whose text was cleared
	UnansweredFAQ  int64 // unanswered questions whose sample was cleared
	FAQOffers      int64 // suggestions offered that long ago, deleted with their question
	Responses      int64 // submitted responses no longer linked to their author
	Drafts         int64 // abandoned questionnaire drafts deleted
}

// ApplyRetention deletes handled inbox rows and blanks personal data older
// than r says, in batches. If another process holds the retention lock it
// does nothing and reports Ran false. It holds one connection throughout
// (a session-level lock lives on its connection).
func (s *Store) ApplyRetention(ctx context.Context, r Retention) (Retained, error) {
	var done Retained
	if r.Inbox <= 0 && r.PersonalData <= 0 {
		return done, nil
	}
	batch := r.BatchSize
	if batch <= 0 {
		batch = 1000
	}
	lease, mine, err := s.Lead(ctx, LockRetention)
	if err != nil || !mine {
		return done, err
	}
	defer lease.Release()
	conn := lease.Conn
	done.Ran = true

	// Each statement works through its rows a batch at a time and commits
	// each batch on its own; the next pass picks up where one stopped.
	drain := func(what, query string, age time.Duration, n *int64) error {
		for ctx.Err() == nil {
			res, err := conn.ExecContext(ctx, query, age.Seconds(), batch)
			if err != nil {
				return fmt.Errorf("store: retention: unable to %s: %w", what, err)
			}
			k, _ := res.RowsAffected()
			*n += k
			if k < int64(batch) {
				return nil
			}
		}
		return ctx.Err()
	}

	if r.Inbox > 0 {
		err := drain("delete handled updates", `
			DELETE FROM inbox WHERE update_id IN (
				SELECT update_id FROM inbox
				WHERE status <> 0 AND handled_at < now() - make_interval(secs => $1)
				LIMIT $2)`, r.Inbox, &done.InboxDeleted)
		if err != nil {
			return done, err
		}
		err = drain("delete effects set aside", `
			DELETE FROM outbox WHERE id IN (
				SELECT id FROM outbox
				WHERE status <> 0 AND done_at < now() - make_interval(secs => $1)
				LIMIT $2)`, r.Inbox, &done.OutboxDeleted)
		if err != nil {
			return done, err
		}
	}
	if r.PersonalData <= 0 {
		return done, nil
	}
	err = drain("clear the messages of closed tickets", `
		UPDATE ticket_messages SET text = '' WHERE id IN (
			SELECT m.id FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id
			WHERE t.status = 'closed' AND t.closed_at < now() - make_interval(secs => $1) AND m.text <> ''
			LIMIT $2)`, r.PersonalData, &done.TicketMessages)
	if err != nil {
		return done, err
	}
	err = drain("clear closed tickets", `
		UPDATE tickets SET subject = '', source_text = '' WHERE id IN (
			SELECT id FROM tickets
			WHERE status = 'closed' AND closed_at < now() - make_interval(secs => $1)
			  AND (subject <> '' OR source_text <> '')
			LIMIT $2)`, r.PersonalData, &done.Tickets)
	if err != nil {
		return done, err
	}
	// An unanswered question's norm is its folded text, so it goes too
	// (replaced by something unique, for the table's unique key); a
	// downvote's norm only names the FAQ entry. A blank question is of no
	// use to staff, so it leaves their list; if it is asked again, it comes
	// back as a new one.
	err = drain("clear unanswered questions", `
		UPDATE faq_unanswered
		SET sample = '', resolved = true,
		    norm = CASE WHEN reason IN ('nomatch', 'none') THEN 'anonymized:' || id ELSE norm END
		WHERE id IN (
			SELECT id FROM faq_unanswered
			WHERE last_at < now() - make_interval(secs => $1)
			  AND (sample <> '' OR (reason IN ('nomatch', 'none') AND norm NOT LIKE 'anonymized:%'))
			LIMIT $2)`, r.PersonalData, &done.UnansweredFAQ)
	if err != nil {
		return done, err
	}
	err = drain("delete old FAQ offers", `
		DELETE FROM faq_offers WHERE id IN (
			SELECT id FROM faq_offers WHERE at < now() - make_interval(secs => $1) LIMIT $2)`, r.PersonalData, &done.FAQOffers)
	if err != nil {
		return done, err
	}
	return done, anonymizeResponses(drain, r.PersonalData, &done)
}

// anonymizeResponses unlinks submitted questionnaire responses from their
// author (as Forget does; the answers stay for statistics) and deletes
// drafts nobody has touched for that long.
func anonymizeResponses(drain func(what, query string, age time.Duration, n *int64) error, age time.Duration, done *Retained) error {
	err := drain("unlink old responses", `
		UPDATE responses SET user_id = NULL WHERE id IN (
			SELECT id FROM responses
			WHERE status = 'submitted' AND submitted_at < now() - make_interval(secs => $1) AND user_id IS NOT NULL
			LIMIT $2)`, age, &done.Responses)
	if err != nil {
		return err
	}
	return drain("delete abandoned drafts", `
		DELETE FROM responses WHERE id IN (
			SELECT id FROM responses
			WHERE status = 'draft' AND started_at < now() - make_interval(secs => $1)
			LIMIT $2)`, age, &done.Drafts)
}
