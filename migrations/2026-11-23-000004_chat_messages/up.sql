-- Direct messages between two users (the client gateway's `chat message {to, text}`). Stored so a
-- user who was offline receives what they missed; ids are increasing, so "missed since id N" is
-- a range scan.
CREATE TABLE chat_messages (
    id bigserial PRIMARY KEY,
    sender_id uuid NOT NULL REFERENCES users (uuid) ON DELETE CASCADE,
    recipient_id uuid NOT NULL REFERENCES users (uuid) ON DELETE CASCADE,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- The gateway validates sizes too; the database refuses what slips through.
    CONSTRAINT chat_messages_body_length CHECK (char_length(body) BETWEEN 1 AND 2000)
);

-- What a reconnecting user missed: their incoming messages after an id.
CREATE INDEX chat_messages_recipient_id ON chat_messages (recipient_id, id);
-- A conversation's history, whichever side sent each message.
CREATE INDEX chat_messages_conversation ON chat_messages (
    LEAST(sender_id, recipient_id), GREATEST(sender_id, recipient_id), id
);
