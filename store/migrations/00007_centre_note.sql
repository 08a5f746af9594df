-- +goose Up
-- A response whose centre is not in the pack's list: the person's own short
-- description of it ("ТСЦ у Коростишеві"), kept with the answers so that the
-- rating or questionnaire is not lost for want of a list entry.
ALTER TABLE responses ADD COLUMN centre_note text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE responses DROP COLUMN centre_note;
