-- +goose Up
-- The staff dashboard in the browser. An admin asks the bot for a one-time
-- login link; only hashes of the link's token and of the session cookie are
-- kept, so a copy of the database lets nobody in.
CREATE TABLE web_logins (
    token_hash text PRIMARY KEY,
    user_id    bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX web_logins_user ON web_logins (user_id, created_at);

CREATE TABLE web_sessions (
    id_hash    text PRIMARY KEY,
    user_id    bigint NOT NULL,
    csrf       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE web_sessions;
DROP TABLE web_logins;
