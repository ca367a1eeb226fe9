-- Pushes leave through an outbox, off the request path: a send writes its history row and one
-- outbox row per recipient in one transaction, and a worker delivers the rows (issue 13).

-- A history row that is queued or going out is `sending`; only `pending` rows are drafts, which
-- admins may still edit or delete. PostgreSQL accepts the new label inside this transaction but
-- not its use, so nothing below refers to it.
ALTER TYPE "enum_notification_history_status" ADD VALUE IF NOT EXISTS 'sending' BEFORE 'sent';

CREATE TABLE notification_outbox (
    id bigserial PRIMARY KEY,
    notification_id uuid NOT NULL
        REFERENCES notification_history (uuid) ON DELETE CASCADE,
    -- Sent with the message (data `idempotencyKey`): the app can drop a repeat, and a row that
    -- is done is never claimed again, so a restart does not send it twice.
    idempotency_key uuid NOT NULL UNIQUE,
    -- Whose device token this is, so an UNREGISTERED answer clears exactly that token; NULL for
    -- topics and for the legacy raw-token route.
    user_id uuid REFERENCES users (uuid) ON DELETE SET NULL,
    token text,
    topic varchar(900),
    status text NOT NULL DEFAULT 'pending',
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    -- The claim of the worker delivering the row, and until when it holds it: a crashed
    -- worker's rows are claimed again once this passes.
    claim uuid,
    locked_until timestamptz,
    last_error text,
    fcm_message_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT notification_outbox_one_target CHECK ((token IS NULL) <> (topic IS NULL)),
    CONSTRAINT notification_outbox_status
        CHECK (status IN ('pending', 'sending', 'sent', 'failed'))
);

-- What the worker claims: rows not done, by due time.
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at)
    WHERE status IN ('pending', 'sending');
-- The counters of one history row.
CREATE INDEX notification_outbox_notification ON notification_outbox (notification_id, status);

-- How many new-listing pushes a user got on a UTC day, so approvals cannot spam them; one
-- conditional upsert per user takes a slot.
CREATE TABLE push_daily_quota (
    user_id uuid NOT NULL REFERENCES users (uuid) ON DELETE CASCADE,
    day date NOT NULL,
    count integer NOT NULL,
    PRIMARY KEY (user_id, day)
);
