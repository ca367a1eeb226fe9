-- One row per login (DESIGN §5): a user may be signed in on several devices, each with its own
-- refresh-token chain, and each can be rotated or revoked on its own.
CREATE TABLE sessions (
    -- Also the `sid` claim of every token issued for this login, so an access token can be
    -- checked against its session on each request.
    id uuid PRIMARY KEY,
    -- Deleting a user ends all of their logins.
    user_id uuid NOT NULL REFERENCES users ("uuid") ON DELETE CASCADE,
    -- SHA-256 hex of the current refresh token. A digest, not the token, so a database leak does
    -- not hand out live tokens; unsalted is fine because the token itself is high-entropy.
    refresh_token_hash text NOT NULL,
    -- Hash of the token this one replaced: presenting it within the grace window is a benign race
    -- (two concurrent refreshes), any other reuse is treated as theft and revokes the session.
    previous_token_hash text NULL,
    -- When previous_token_hash stopped being current; the start of the grace window.
    rotated_at timestamptz NULL,
    -- Set on logout, reuse detection or an admin action; a revoked session also kills its
    -- access tokens at once.
    revoked_at timestamptz NULL,
    -- Why it was revoked (e.g. 'logout', 'TOKEN_REUSE'), for audits and support.
    revoked_reason varchar(32) NULL,
    user_agent text NULL,
    -- 45 characters fit the longest textual IPv6 form (IPv4-mapped), as in otp_codes."ipAddress".
    ip_address varchar(45) NULL,
    -- Expiry of the current refresh token; moves forward on each rotation.
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- Last refresh or authenticated request, to show "active sessions" and prune idle ones.
    last_used_at timestamptz NULL
);

-- Refresh looks the session up by the presented token's hash; unique so one token can never
-- match two sessions.
CREATE UNIQUE INDEX sessions_refresh_token_hash ON sessions (refresh_token_hash);
CREATE INDEX sessions_user_id ON sessions (user_id);
-- Reuse detection looks a presented token up among the previous hashes.
CREATE INDEX sessions_previous_token_hash ON sessions (previous_token_hash);
