-- +goose Up
-- The suggestions the FAQ last offered in a chat, with the question they
-- were for: when the person says none of them fits («Немає мого питання»),
-- the question goes to faq_unanswered with them. One row per chat: a new
-- offer replaces the old one, and a reply of «none» takes it.
CREATE TABLE faq_offers (
    id          bigserial PRIMARY KEY,
    pack        text NOT NULL,
    chat_id     bigint NOT NULL,
    norm        text NOT NULL,
    sample      text NOT NULL,
    lang        text NOT NULL,
    suggestions text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (pack, chat_id)
);

-- The entries that were offered for a question none of them answered,
-- space-separated: the near misses editors most need to see.
ALTER TABLE faq_unanswered ADD COLUMN suggestions text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE faq_unanswered DROP COLUMN suggestions;
DROP TABLE faq_offers;
