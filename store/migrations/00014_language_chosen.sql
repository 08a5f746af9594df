-- +goose Up
-- Whether the person chose their language (/language) or it was taken from
-- their Telegram client. A client's language gives way to the one they
-- write in (many Ukrainians keep a Russian interface and write Ukrainian);
-- a chosen one never does. People stored before this knew no difference:
-- they keep the language they have.
ALTER TABLE users ADD COLUMN language_chosen boolean NOT NULL DEFAULT true;
ALTER TABLE users ALTER COLUMN language_chosen SET DEFAULT false;

-- +goose Down
ALTER TABLE users DROP COLUMN language_chosen;
