-- +goose Up
-- A citizen's conversation with moderators: one forum topic in the staff chat.
CREATE TABLE tickets (
    id                bigserial PRIMARY KEY,
    user_id           bigint NOT NULL,
    lang              text NOT NULL,
    status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    thread_id         integer,
    card_message_id   integer,
    subject           text NOT NULL DEFAULT '',
    source            text NOT NULL DEFAULT '',
    source_text       text NOT NULL DEFAULT '',
    assignee          bigint,
    created_at        timestamptz NOT NULL DEFAULT now(),
    first_response_at timestamptz,
    closed_at         timestamptz,
    resolved          smallint,
    reminded_at       timestamptz
);
CREATE UNIQUE INDEX tickets_one_open ON tickets (user_id) WHERE status = 'open';
CREATE INDEX tickets_thread ON tickets (thread_id);
CREATE INDEX tickets_waiting ON tickets (created_at) WHERE status = 'open' AND first_response_at IS NULL;

-- Which message on one side is which on the other, for replies and edits.
-- direction: in (citizen → staff), out (staff → citizen), note (internal).
CREATE TABLE ticket_messages (
    id                 bigserial PRIMARY KEY,
    ticket_id          bigint NOT NULL REFERENCES tickets (id),
    direction          text NOT NULL,
    citizen_message_id integer,
    staff_message_id   integer,
    author             bigint NOT NULL DEFAULT 0,
    relayed            boolean NOT NULL DEFAULT true,
    text               text NOT NULL DEFAULT '',
    at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_messages_staff ON ticket_messages (staff_message_id);
CREATE INDEX ticket_messages_citizen ON ticket_messages (ticket_id, citizen_message_id);

-- Citizens moderators have blocked: their messages are kept, not relayed.
CREATE TABLE blocked_users (
    user_id    bigint PRIMARY KEY,
    blocked_by bigint NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    notified   boolean NOT NULL DEFAULT false
);

-- Integrity (anti-corruption) reports. The reporter's identity is kept apart,
-- only to route replies, and never shown for an anonymous report.
CREATE TABLE integrity_reports (
    id                bigserial PRIMARY KEY,
    pseudonym         text NOT NULL,
    anonymous         boolean NOT NULL,
    lang              text NOT NULL,
    text              text NOT NULL,
    source            text NOT NULL DEFAULT '',
    chat_message_id   integer,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE integrity_reporters (
    report_id bigint PRIMARY KEY REFERENCES integrity_reports (id),
    user_id   bigint NOT NULL
);
CREATE INDEX integrity_reports_message ON integrity_reports (chat_message_id);

-- +goose Down
DROP TABLE integrity_reporters;
DROP TABLE integrity_reports;
DROP TABLE blocked_users;
DROP TABLE ticket_messages;
DROP TABLE tickets;
