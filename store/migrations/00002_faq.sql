-- +goose Up
-- The live copy of each pack's FAQ, edited by staff in Telegram.
CREATE TABLE faq_entries (
    pack       text NOT NULL,
    id         text NOT NULL,
    category   text NOT NULL,
    position   integer NOT NULL DEFAULT 0,
    hidden     boolean NOT NULL DEFAULT false,
    entry      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pack, id)
);

-- Every change: who, when, the entry before and after (null when absent).
CREATE TABLE faq_revisions (
    id       bigserial PRIMARY KEY,
    pack     text NOT NULL,
    entry_id text NOT NULL,
    action   text NOT NULL,
    actor    bigint NOT NULL DEFAULT 0,
    at       timestamptz NOT NULL DEFAULT now(),
    before   jsonb,
    after    jsonb
);
CREATE INDEX faq_revisions_entry ON faq_revisions (pack, entry_id, id);

-- One vote per person per entry; the latest counts.
CREATE TABLE faq_votes (
    pack     text NOT NULL,
    entry_id text NOT NULL,
    user_id  bigint NOT NULL,
    vote     smallint NOT NULL CHECK (vote IN (-1, 1)),
    at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pack, entry_id, user_id)
);

-- Questions the FAQ did not answer (no match, or a 👎), grouped by their
-- folded form.
CREATE TABLE faq_unanswered (
    id       bigserial PRIMARY KEY,
    pack     text NOT NULL,
    norm     text NOT NULL,
    sample   text NOT NULL,
    lang     text NOT NULL,
    reason   text NOT NULL,
    entry_id text NOT NULL DEFAULT '',
    count    integer NOT NULL DEFAULT 1,
    first_at timestamptz NOT NULL DEFAULT now(),
    last_at  timestamptz NOT NULL DEFAULT now(),
    resolved boolean NOT NULL DEFAULT false,
    UNIQUE (pack, norm, reason, entry_id)
);
CREATE INDEX faq_unanswered_open ON faq_unanswered (pack, count DESC) WHERE NOT resolved;

-- +goose Down
DROP TABLE faq_unanswered;
DROP TABLE faq_votes;
DROP TABLE faq_revisions;
DROP TABLE faq_entries;
