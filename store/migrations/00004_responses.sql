-- +goose Up
-- Answers to the pack's questionnaires: the mystery-shopper questionnaire
-- and the quick visit rating. A draft is saved after every step, so a
-- person can stop and come back, also after a restart.
CREATE TABLE responses (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL,
    questionnaire text NOT NULL,
    version       integer NOT NULL,
    pack          text NOT NULL,
    user_id       bigint,            -- NULL once the person asked to be forgotten
    centre        text NOT NULL DEFAULT '',
    desk          integer,
    lang          text NOT NULL,
    answers       jsonb NOT NULL DEFAULT '{}',
    status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    message_id    integer NOT NULL DEFAULT 0,
    started_at    timestamptz NOT NULL DEFAULT now(),
    submitted_at  timestamptz,
    reviewed      boolean NOT NULL DEFAULT false  -- shown to staff (card or digest)
);
CREATE UNIQUE INDEX responses_one_draft ON responses (user_id, kind) WHERE status = 'draft';
CREATE INDEX responses_submitted ON responses (kind, submitted_at) WHERE status = 'submitted';
CREATE INDEX responses_to_review ON responses (id) WHERE status = 'submitted' AND NOT reviewed;

-- Small pieces of state the bot keeps about itself (the staff chat's
-- Reviews topic).
CREATE TABLE bot_state (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- +goose Down
DROP TABLE bot_state;
DROP TABLE responses;
