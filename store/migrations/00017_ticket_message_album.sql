-- +goose Up
-- The album (Telegram's media group, as the bot names it: chat and
-- media_group_id) a relayed message was part of; NULL for a message on
-- its own. Each photo of an album is a row of its own, with its own copy
-- on the other side: deleting the citizen's copy of a moderator's album
-- deletes every photo of it, not only the one whose caption was edited.
ALTER TABLE ticket_messages ADD COLUMN media_group text;
CREATE INDEX ticket_messages_album ON ticket_messages (ticket_id, media_group) WHERE media_group IS NOT NULL;

-- +goose Down
ALTER TABLE ticket_messages DROP COLUMN media_group;
