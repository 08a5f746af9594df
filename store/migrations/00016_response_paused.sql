-- +goose Up
-- A questionnaire put off in words («давайте потом», or an operator asked
-- for mid-way): its draft waits and its typed dialog has ended, so that
-- what the person types goes to the FAQ. A button of its step pressed
-- later takes it up again, and what is typed next is for it once more;
-- the flag tells the button's turn so without reading the conversation
-- on every button of every questionnaire.
ALTER TABLE responses ADD COLUMN paused boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE responses DROP COLUMN paused;
