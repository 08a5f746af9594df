-- +goose Up
-- The request a low rating opened (or joined) when its visitor asked to be
-- contacted: the review card names it, so that staff see one matter.
ALTER TABLE responses ADD COLUMN ticket_id bigint;

-- +goose Down
ALTER TABLE responses DROP COLUMN ticket_id;
