# Alpha Motors backend: everyday commands. `just --list` shows them.
#
# `just` is optional. The recipes that are one cargo command are also cargo aliases
# (.cargo/config.toml: `cargo serve`, `cargo migrate`, `cargo seed`, `cargo test-all`,
# `cargo device-sim`, `cargo bench-sms`, `cargo bench-clients`), and README.md gives the plain
# command for every recipe. Keep the three in step.

# Run the server (embedded PostgreSQL unless DATABASE_URL is set); also `cargo serve`.
run *ARGS:
    cargo run -p alpha-server -- serve {{ARGS}}

# Apply pending migrations; also `cargo migrate`.
migrate:
    cargo run -p alpha-server -- migrate

# The full car catalogue (130 brands, 2,432 models) is the old backend's brands-models.json. It is
# not in this repository: it comes with the project's shared material (../shared/data/ next to a
# checkout that has it). `cargo seed --data-file FILE` does the same; `cargo seed` with no file
# loads the small built-in catalogue.
# Load currencies and the full catalogue: just seed /path/to/brands-models.json (or SEED_DATA_FILE).
seed file=env_var_or_default("SEED_DATA_FILE", ""):
    @if [ -z "{{file}}" ]; then echo "just seed: name the catalogue file: just seed /path/to/brands-models.json, or set SEED_DATA_FILE. It is the old backend's brands-models.json, shipped with the project's shared material, not with this repository (../shared/data/brands-models.json next to a checkout that has it). Without it, cargo seed loads the small built-in catalogue." >&2; exit 2; fi
    cargo run -p alpha-server -- seed --data-file "{{file}}"

# Run every test (the command README.md and .ci/run use); also `cargo test-all`.
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

# Load benchmark of the public catalog reads (release build, embedded database, wrk): [seconds] [connections]
bench-catalog seconds="20" connections="32":
    bench/catalog-load.sh {{seconds}} {{connections}}

# Load benchmark of the listings over demo posts (release build, embedded database, wrk, curl): [seconds] [connections] [posts]
bench-posts seconds="20" connections="32" posts="100000":
    bench/posts-load.sh {{seconds}} {{connections}} {{posts}}

# Simulated SMS device on the gateway (:3091 /sms): prints each SMS and acks it; also `cargo device-sim`.
device-sim *ARGS:
    cargo run -p alpha-device-sim -- {{ARGS}}

# Latency from POST /otp/send to the device receiving sms:send (200 concurrent); also `cargo bench-sms`.
bench-sms:
    cargo bench -p alpha-server --bench sms_latency

# Env: CLIENT_BENCH_SOCKETS (2000), CLIENT_BENCH_PER_USER (20), CLIENT_BENCH_NOTIFICATIONS (1000),
# CLIENT_BENCH_LATENCY_SOCKETS (10).
# Client gateway: RSS per idle authenticated socket, notify latency; also `cargo bench-clients`.
bench-clients:
    cargo bench -p alpha-gateways --bench client_gateway

# Two instances on one database and one Redis (redis-server on PATH, or TEST_REDIS_URL): [sockets]
# authenticated sockets split between them, RSS per socket, notify latency from A to B.
bench-clients-two-instances sockets="10000":
    CLIENT_BENCH_INSTANCES=2 CLIENT_BENCH_SOCKETS={{sockets}} CLIENT_BENCH_TIMEOUT_SECS=600 cargo bench -p alpha-gateways --bench client_gateway

# API fuzzing as CI runs it: schemathesis (from PyPI) --checks all against /api-docs/openapi.json.
schemathesis:
    bash scripts/schemathesis.sh
