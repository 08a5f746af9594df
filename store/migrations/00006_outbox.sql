-- +goose Up
-- What turns decided should happen in Telegram, written in the turn's own
-- transaction: an effect exists only if its turn committed. One deliverer
-- sends them after the commit, in id order per destination chat.
-- status: 0 pending, 1 sent, 2 failed for good (kept with its error),
-- 3 replaced (refused; its fallback was queued instead).
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    chat_id     bigint NOT NULL,
    urgent      boolean NOT NULL DEFAULT false,
    body        json NOT NULL,
    file        bytea,
    update_id   bigint,
    status      smallint NOT NULL DEFAULT 0,
    attempts    integer NOT NULL DEFAULT 0,
    not_before  timestamptz NOT NULL DEFAULT now(),
    created_at  timestamptz NOT NULL DEFAULT now(),
    done_at     timestamptz,
    message_id  bigint,
    thread_id   bigint,
    last_error  text
);
-- A chat's queue: callback answers first, then in order.
CREATE INDEX outbox_pending_chat ON outbox (chat_id, urgent DESC, id) WHERE status = 0;
CREATE INDEX outbox_failed ON outbox (id) WHERE status = 2;

-- +goose Down
DROP TABLE outbox;
