-- SMS gateway devices and the log of delivery attempts (DESIGN §3, §6).

-- One row per phone that sends OTP SMS. Rows come from `alpha-motors device add` (a per-device
-- token) or from the first connect of a device that authenticated with the shared token.
CREATE TABLE sms_devices (
    -- A uuid for devices created by `device add`, else the deviceId the device registered with;
    -- 64 characters leave room for client-chosen ids without inviting abuse.
    id varchar(64) PRIMARY KEY,
    -- Operator-facing label; shared-token devices have none.
    name varchar(255) NULL,
    -- Codes for a region go only to devices of that region (same width as otp_codes."region").
    region varchar(50) NOT NULL,
    -- argon2id PHC string of the token secret, never the token itself, so a database leak does
    -- not let anyone impersonate a device. NULL for shared-token devices.
    token_hash text NULL,
    -- Operators switch a device off without deleting its history.
    enabled boolean NOT NULL DEFAULT true,
    connected boolean NOT NULL DEFAULT false,
    -- Last event received from the device: register, status, ack or ping.
    last_seen_at timestamptz NULL,
    -- The latest `sms:status` heartbeat, for the operators' listing.
    battery_level int NULL,
    signal_strength int NULL,
    pending_sms int NULL,
    -- Settled attempts, for device health; bigint because a busy device never resets them.
    sent_count bigint NOT NULL DEFAULT 0,
    failed_count bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per attempt to deliver a code through a device. Never holds the SMS text or the code:
-- a database leak must not reveal live codes.
CREATE TABLE sms_messages (
    -- Sent to the device with `sms:send` and echoed in its `sms:ack`.
    correlation_id uuid PRIMARY KEY,
    -- Attempts are only interesting while their code exists.
    otp_id uuid NOT NULL REFERENCES otp_codes (id) ON DELETE CASCADE,
    -- No foreign key: an attempt stays in the log even if its device row is removed.
    device_id varchar(64) NOT NULL,
    -- 1 for the first device tried for the code, 2 for the retry, and so on.
    attempt int NOT NULL,
    -- pending, sent, delivered, failed, timed_out or disconnected.
    status varchar(20) NOT NULL,
    -- What the device reported on failure.
    error text NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Support looks up every attempt of one code.
CREATE INDEX sms_messages_otp_id ON sms_messages (otp_id);
