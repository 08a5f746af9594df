-- +goose Up
-- Since when the citizen has waited for moderators: their first message
-- after moderators' last answer (NULL: nobody waits). The SLA reminder is
-- about this wait, once for each (reminded_at is cleared when one starts),
-- not only about the first answer.
ALTER TABLE tickets ADD COLUMN waiting_since timestamptz;
UPDATE tickets t SET waiting_since = w.since
FROM (
    SELECT t.id, CASE WHEN last.id IS NULL THEN t.created_at ELSE min(m.at) END AS since
    FROM tickets t
    LEFT JOIN LATERAL (SELECT o.id FROM ticket_messages o WHERE o.ticket_id = t.id AND o.direction = 'out'
                       ORDER BY o.id DESC LIMIT 1) last ON true
    LEFT JOIN ticket_messages m ON m.ticket_id = t.id AND m.direction = 'in' AND m.relayed AND m.id > coalesce(last.id, 0)
    WHERE t.status = 'open'
    GROUP BY t.id, t.created_at, last.id
) w
WHERE t.id = w.id AND w.since IS NOT NULL;
UPDATE tickets SET reminded_at = NULL WHERE reminded_at < waiting_since;
DROP INDEX tickets_waiting;
CREATE INDEX tickets_waiting ON tickets (waiting_since) WHERE status = 'open' AND reminded_at IS NULL;

-- +goose Down
DROP INDEX tickets_waiting;
CREATE INDEX tickets_waiting ON tickets (created_at) WHERE status = 'open' AND first_response_at IS NULL;
ALTER TABLE tickets DROP COLUMN waiting_since;
