-- +goose Up
-- Requests of citizens who deleted their data (/forget) are closed for
-- good. One that a moderator reopened before that was refused waited for
-- nobody, and /tickets listed it for ever.
UPDATE tickets SET status = 'closed', closed_at = coalesce(closed_at, now()) WHERE user_id = 0 AND status = 'open';

-- +goose Down
-- Nothing to undo: those requests had no one to answer.
SELECT 1;
