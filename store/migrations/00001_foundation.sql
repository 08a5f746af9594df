-- +goose Up
-- Every update Telegram delivers is written here before it is acknowledged.
-- status: 0 pending, 1 done, 2 failed (gave up), 3 skipped (nothing to do).
CREATE TABLE inbox (
    update_id   bigint PRIMARY KEY,
    chat_key    bigint NOT NULL,
    kind        text NOT NULL,
    payload     json NOT NULL,
    status      smallint NOT NULL DEFAULT 0,
    attempts    integer NOT NULL DEFAULT 0,
    not_before  timestamptz NOT NULL DEFAULT now(),
    received_at timestamptz NOT NULL DEFAULT now(),
    handled_at  timestamptz,
    handled_seq bigint,
    handled_by  text,
    last_error  text
);
-- Pending work in arrival order, and per chat for the ordering check.
CREATE INDEX inbox_pending ON inbox (update_id) WHERE status = 0;
CREATE INDEX inbox_pending_chat ON inbox (chat_key, update_id) WHERE status = 0;
-- The order in which updates were handled, across all processes.
CREATE SEQUENCE inbox_handled_seq;

-- Citizens who talk to the bot in private. Only what the features need.
CREATE TABLE users (
    id            bigint PRIMARY KEY,
    language      text NOT NULL DEFAULT '',
    active        boolean NOT NULL DEFAULT true,
    start_payload text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    seen_at       timestamptz NOT NULL DEFAULT now()
);

-- The dialog a chat is in, so a restart loses nothing.
CREATE TABLE conversations (
    chat_id    bigint PRIMARY KEY,
    dialog     text NOT NULL,
    step       text NOT NULL DEFAULT '',
    data       jsonb NOT NULL DEFAULT '{}',
    message_id integer NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE conversations;
DROP TABLE users;
DROP SEQUENCE inbox_handled_seq;
DROP TABLE inbox;
