-- Fixed-window request counters (DESIGN §4): kept in PostgreSQL so every instance of the service
-- counts against the same numbers. One row per key (e.g. 'otp:send:ip:1.2.3.4'); a hit is one
-- INSERT ... ON CONFLICT DO UPDATE, so concurrent hits can never lose a count.
CREATE TABLE rate_limits (
    key text PRIMARY KEY,
    -- Start of the current window, from the database clock so instances agree on it.
    window_start timestamptz NOT NULL,
    -- Requests counted in the current window, this one included.
    hits integer NOT NULL
);

-- The periodic cleanup deletes rows whose window ended long ago.
CREATE INDEX rate_limits_window_start ON rate_limits (window_start);
