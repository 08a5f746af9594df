-- +goose Up
-- Integrity reports, anonymous by construction. The reporter's chat is kept
-- only sealed with INTEGRITY_KEY (reporter_box), and is found again from the
-- person's side only through a keyed hash of person and report
-- (reporter_tag); neither means anything without the key. Both are erased
-- when the report is closed or link_expires_at passes: replies are then
-- impossible, and nothing in the database ties the report to anyone.
ALTER TABLE integrity_reports
    ADD COLUMN reporter_box    bytea,
    ADD COLUMN reporter_tag    bytea,
    ADD COLUMN link_expires_at timestamptz,
    ADD COLUMN closed_at       timestamptz,
    -- After a staff question, the reporter's next messages until then are
    -- their answer.
    ADD COLUMN answer_until    timestamptz;
-- A report's time is kept to the hour, so that nothing written in the same
-- transaction (at now(): users, inbox, outbox) carries the same time.
UPDATE integrity_reports SET created_at = date_trunc('hour', created_at);
ALTER TABLE integrity_reports ALTER COLUMN created_at SET DEFAULT date_trunc('hour', now());

-- What followed a report in the integrity chat: staff questions, the
-- reporter's answers and additions, evidence. Only where each is, for
-- threading replies; the words stay in the integrity chat.
CREATE INDEX integrity_reports_answering ON integrity_reports (answer_until) WHERE answer_until IS NOT NULL;

CREATE TABLE integrity_messages (
    id              bigserial PRIMARY KEY,
    report_id       bigint NOT NULL REFERENCES integrity_reports (id),
    kind            text NOT NULL CHECK (kind IN ('question', 'answer', 'addition', 'evidence')),
    chat_message_id integer,
    created_at      timestamptz NOT NULL DEFAULT date_trunc('hour', now())
);
CREATE INDEX integrity_messages_message ON integrity_messages (chat_message_id);

-- A reporter's open report dialog (writing, adding, answering), found by a
-- keyed hash of their chat: no chat id, no time; what it holds is sealed.
CREATE TABLE integrity_dialogs (
    tag bytea PRIMARY KEY,
    box bytea NOT NULL
);

-- The old links, in plain user ids, wait here until the bot (which holds
-- the key) seals them into reporter_box when it starts, and drops the table.
ALTER TABLE integrity_reporters RENAME TO integrity_reporters_unsealed;

-- +goose Down
-- The sealed links cannot be unsealed here: reports keep no reporter.
CREATE TABLE IF NOT EXISTS integrity_reporters_unsealed (
    report_id bigint PRIMARY KEY REFERENCES integrity_reports (id),
    user_id   bigint NOT NULL
);
ALTER TABLE integrity_reporters_unsealed RENAME TO integrity_reporters;
DROP TABLE integrity_dialogs;
DROP TABLE integrity_messages;
ALTER TABLE integrity_reports ALTER COLUMN created_at SET DEFAULT now();
ALTER TABLE integrity_reports
    DROP COLUMN answer_until,
    DROP COLUMN closed_at,
    DROP COLUMN link_expires_at,
    DROP COLUMN reporter_tag,
    DROP COLUMN reporter_box;
