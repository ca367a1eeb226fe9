-- The durable queue of OTP SMS shared by every server instance (issue 14). A code requested on
-- one instance is sent by a device connected to any; a message held by an instance that dies is
-- taken over by another once its lease runs out.

CREATE TABLE sms_queue (
    id uuid PRIMARY KEY,
    -- A code that is verified or cleaned away needs no SMS any more.
    otp_id uuid NOT NULL REFERENCES otp_codes (id) ON DELETE CASCADE,
    phone varchar(20) NOT NULL,
    -- The SMS text, code included: the row is deleted as soon as the message is sent, has
    -- failed for good or its code expired, so no code outlives its use here.
    body text NOT NULL,
    expires_at timestamptz NOT NULL,
    -- Attempts made and devices tried so far, on every instance.
    attempts integer NOT NULL DEFAULT 0,
    tried text[] NOT NULL DEFAULT '{}',
    -- The instance sending it, and until when; NULL while it waits.
    leased_by uuid,
    lease_until timestamptz,
    -- The attempt under way, closed in the log when another instance takes the message over.
    correlation_id uuid,
    device_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sms_queue_lease CHECK ((leased_by IS NULL) = (lease_until IS NULL))
);

-- Claims take the oldest first.
CREATE INDEX sms_queue_created ON sms_queue (created_at);
