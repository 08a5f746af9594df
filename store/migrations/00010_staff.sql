-- +goose Up
-- The names staff go by, so that the FAQ's history says who changed an
-- entry («Олена Коваль»), not a Telegram id. Kept for those who edit the
-- FAQ, refreshed when they do, and removed by /forget.
CREATE TABLE staff (
    id      bigint PRIMARY KEY,
    name    text NOT NULL,
    seen_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE staff;
