-- +goose Up
-- The message of a report dialog whose buttons wait for the person (how to
-- report, after /report; «add it to №N?»), kept so that a later turn can
-- take its buttons away once the person has answered by typing instead: a
-- choice left under a report already sent would start another one. The
-- dialog is found by a random id, which names neither the chat nor a time;
-- the message's id is a number within the chat, and says nothing of whose.
ALTER TABLE integrity_dialogs
    ADD COLUMN id bigint NOT NULL DEFAULT floor(random() * 9007199254740991)::bigint,
    ADD COLUMN prompt_message_id integer;
ALTER TABLE integrity_dialogs ADD CONSTRAINT integrity_dialogs_id_key UNIQUE (id);

-- +goose Down
ALTER TABLE integrity_dialogs DROP COLUMN prompt_message_id, DROP COLUMN id;
