# Alpha Motors backend: everyday commands. `just --list` shows them.

shared := "../shared/data"

# Run the server (embedded PostgreSQL unless DATABASE_URL is set).
run *ARGS:
    cargo run -p alpha-server -- serve {{ARGS}}

# Apply pending migrations.
migrate:
    cargo run -p alpha-server -- migrate

# Load currencies, brands and models from the shared catalogue file.
seed file=(shared / "brands-models.json"):
    cargo run -p alpha-server -- seed --data-file {{file}}

# Run every test (the same command README.md and .ci/run use).
test:
    cargo test --workspace

# Formatting, lints and the architecture checks.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
    scripts/check-deps.sh

# Regenerate crates/store/src/schema.rs from the migrations (needs diesel_cli).
schema:
    scripts/check-schema-drift.sh --write

# Everything CI runs.
ci:
    bash .ci/run

# Load benchmark of the login path (release build, embedded database, wrk): [seconds] [connections]
bench-auth seconds="20" connections="32":
    bench/auth-load.sh {{seconds}} {{connections}}

# Simulated SMS device on the gateway (:3091 /sms): prints each SMS and acks it. `just device-sim --help`
device-sim *ARGS:
    cargo run -p alpha-device-sim -- {{ARGS}}

# Latency from POST /otp/send to the device receiving sms:send (200 concurrent, one device).
bench-sms:
    cargo bench -p alpha-server --bench sms_latency

# Client gateway: RSS per idle authenticated socket and notify latency. Env: CLIENT_BENCH_SOCKETS
# (2000), CLIENT_BENCH_PER_USER (20), CLIENT_BENCH_NOTIFICATIONS (1000), CLIENT_BENCH_LATENCY_SOCKETS (10).
bench-clients:
    cargo bench -p alpha-gateways --bench client_gateway
