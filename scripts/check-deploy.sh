#!/usr/bin/env bash
# Checks deploy/ and .dockerignore without a Docker engine (none runs on our machines):
#   - deploy/docker-compose.yml parses, has the db and api services, names existing build files,
#     publishes nothing on all interfaces (3091 above all) and nothing from db; runs at least two
#     server instances, each with REDIS_URL, behind nginx, whose config (deploy/nginx/compose.conf)
#     lists every instance for each port, upgrades WebSockets and keeps a Socket.IO client on one
#     instance;
#   - deploy/Dockerfile: every COPY source exists and is not dropped by .dockerignore; the
#     HEALTHCHECK is exec form of a binary the image installs on its PATH (and a subcommand the CLI
#     has), or shell text that parses under dash (the image's /bin/sh) with no bash-isms;
#   - .dockerignore keeps target/, .data/, .git and .env out and keeps what the build needs in;
#   - deploy/alpha-motors.service passes `systemd-analyze verify`, its user and every path it names
#     are created by the unit (StateDirectory= ...) or by an install step in its header comment,
#     and docs/OPERATIONS.md carries the same install steps.
# Installs python3-yaml/PyYAML, dash and systemd when missing, and says so.
#
# Usage: scripts/check-deploy.sh              check this repository
#        scripts/check-deploy.sh --self-test  break copies of the files one way at a time and
#                                             require each break to be caught
# CHECK_DEPLOY_ROOT=DIR checks a copy of the repository at DIR instead (the self-test uses it).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
root=${CHECK_DEPLOY_ROOT:-$repo}

say() { printf '%s\n' "$*"; }

# --- self-test: each way of breaking the files must make the check fail, for the right reason ----
self_test() {
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/pristine"
  local items=() item
  for item in Cargo.toml Cargo.lock .dockerignore .cargo deploy config migrations crates docs; do
    [[ -e $repo/$item ]] && items+=("$item")
  done
  tar -C "$repo" --exclude=target --exclude=.data -cf - "${items[@]}" | tar -C "$tmp/pristine" -xf -

  if ! CHECK_DEPLOY_ROOT="$tmp/pristine" "$0" >"$tmp/baseline.out" 2>&1; then
    cat "$tmp/baseline.out" >&2
    echo "self-test: the unbroken files fail the check (above); fix that first" >&2
    return 1
  fi
  local has_analyze=0
  command -v systemd-analyze >/dev/null 2>&1 && has_analyze=1

  local passed=0 broken=0 skipped=0
  # break NAME EXPECTED-TEXT FILE OLD NEW [needs-analyze]: replace OLD by NEW in FILE (OLD empty:
  # append NEW), run the check, require a failure whose output contains EXPECTED-TEXT.
  break_one() {
    local name=$1 expect=$2 file=$3 old=$4 new=$5 needs=${6:-}
    if [[ $needs == analyze && $has_analyze == 0 ]]; then
      say "skip $name: systemd-analyze is not installed"
      skipped=$((skipped + 1))
      return
    fi
    rm -rf "$tmp/case" && cp -a "$tmp/pristine" "$tmp/case"
    OLD=$old NEW=$new python3 - "$tmp/case/$file" <<'PY' || { broken=$((broken + 1)); return; }
import os, sys
path, old, new = sys.argv[1], os.environ["OLD"], os.environ["NEW"]
text = open(path).read()
if old and old not in text:
    sys.exit(f"self-test bug: {old!r} is not in {path}")
open(path, "w").write(text.replace(old, new, 1) if old else text + new)
PY
    local rc=0
    CHECK_DEPLOY_ROOT="$tmp/case" "$0" >"$tmp/case.out" 2>&1 || rc=$?
    if ((rc == 0)); then
      say "BROKEN $name: the check passed" >&2
      broken=$((broken + 1))
    elif ! grep -qF -- "$expect" "$tmp/case.out"; then
      say "BROKEN $name: the check failed, but without mentioning '$expect':" >&2
      grep '^FAIL' "$tmp/case.out" >&2 || cat "$tmp/case.out" >&2
      broken=$((broken + 1))
    else
      say "caught $name: $(grep -m1 -F -- "$expect" "$tmp/case.out" | cut -c1-150)"
      passed=$((passed + 1))
    fi
  }

  local hc='CMD ["alpha-motors", "healthcheck"]'
  break_one "healthcheck via /dev/tcp (the old one)" "/dev/tcp" deploy/Dockerfile "$hc" \
    'CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/3080 && printf '"'"'GET /healthz HTTP/1.0\\r\\n\\r\\n'"'"' >&3 && grep -q '"'"' 200 '"'"' <&3"]'
  break_one "healthcheck shell form with [[" "bash-ism" deploy/Dockerfile "$hc" \
    'CMD [[ -x /usr/local/bin/alpha-motors ]] && alpha-motors healthcheck'
  break_one "healthcheck shell text dash cannot parse" "does not parse under dash" deploy/Dockerfile "$hc" \
    'CMD alpha-motors healthcheck && ( echo unclosed'
  break_one "healthcheck binary not in the image" "does not install" deploy/Dockerfile "$hc" \
    'CMD ["curl", "-f", "http://127.0.0.1:3080/healthz"]'
  break_one "healthcheck subcommand the CLI lacks" "no such subcommand" deploy/Dockerfile "$hc" \
    'CMD ["alpha-motors", "health-check"]'
  break_one "no healthcheck" "no HEALTHCHECK" deploy/Dockerfile "HEALTHCHECK " "# HEALTHCHECK "
  break_one "COPY of a missing folder" "'conf'" deploy/Dockerfile "COPY config ./config" "COPY conf ./config"
  # shellcheck disable=SC2016 # compose's ${...} text, not ours
  break_one "3091 on all interfaces (no address)" "3091" deploy/docker-compose.yml \
    '"${SMS_GATEWAY_BIND:-127.0.0.1}:3091:3091"' '"3091:3091"'
  # shellcheck disable=SC2016 # compose's ${...} text, not ours
  break_one "3091 on 0.0.0.0" "SMS-device port" deploy/docker-compose.yml \
    '${SMS_GATEWAY_BIND:-127.0.0.1}:3091' '${SMS_GATEWAY_BIND:-0.0.0.0}:3091'
  break_one "db publishes 5432" "db publishes ports" deploy/docker-compose.yml \
    '    image: postgres:16' $'    image: postgres:16\n    ports: ["5432:5432"]'
  break_one "compose does not parse" "does not parse" deploy/docker-compose.yml "" $'\n  bad: [unclosed\n'
  break_one "compose lacks the api service" "services ['api'] missing" deploy/docker-compose.yml \
    $'\n  api:\n' $'\n  app:\n'
  break_one "compose runs one instance" "fewer than two server instances" deploy/docker-compose.yml \
    $'\n  api2:\n    <<: *api-instance\n' $'\n'
  break_one "instances without Redis" "REDIS_URL" deploy/docker-compose.yml \
    $'    REDIS_URL: redis://redis:6379\n' ''
  break_one "nginx leaves an instance out" "does not list api2:3090" deploy/nginx/compose.conf \
    $'    server api2:3090;\n' ''
  break_one "nginx without WebSocket upgrade" "WebSocket upgrade" deploy/nginx/compose.conf \
    $'        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n        proxy_set_header Host $host;\n        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n        # Longer' $'        proxy_set_header Host $host;\n        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n        # Longer'
  break_one "nginx without sticky sessions" "sticky" deploy/nginx/compose.conf \
    $'    hash $client_key consistent;\n    server api:3090;' $'    server api:3090;'
  break_one "compose names a missing Dockerfile" "does not exist" deploy/docker-compose.yml \
    "dockerfile: deploy/Dockerfile" "dockerfile: deploy/Dockerfile.old"
  break_one ".dockerignore without target" "target/" .dockerignore $'\n**/target\n' $'\n'
  break_one ".dockerignore without .data" ".data" .dockerignore $'\n.data\n' $'\n'
  break_one ".dockerignore drops migrations" "migrations/" .dockerignore "" $'migrations\n'
  break_one ".dockerignore drops Cargo.toml via *.toml" "Cargo.toml" .dockerignore "" $'*.toml\n'
  break_one "unit with an unknown key" "Unknown key" deploy/alpha-motors.service \
    "Restart=on-failure" "Restrat=on-failure" analyze
  break_one "unit with a bad signal" "signal name" deploy/alpha-motors.service \
    "KillSignal=SIGTERM" "KillSignal=SIGTREM" analyze
  break_one "unit writes a folder nothing creates (the old one)" "/opt/alpha-motors/uploads" \
    deploy/alpha-motors.service "PrivateTmp=true" $'PrivateTmp=true\nReadWritePaths=/opt/alpha-motors/uploads'
  break_one "unit runs as a user no step creates" "User=alphasvc" deploy/alpha-motors.service \
    "User=alpha" "User=alphasvc"
  break_one "install step missing from docs/OPERATIONS.md" "lacks install steps" docs/OPERATIONS.md \
    "install -d -m 0750 /etc/alpha-motors" "install -d -m 0700 /etc/alpha-motors"

  echo "self-test: $passed breaks caught, $broken not caught, $skipped skipped"
  ((broken == 0))
}

if [[ ${1:-} == --self-test ]]; then
  self_test
  exit
fi
[[ $# -eq 0 ]] || { echo "usage: $0 [--self-test]" >&2; exit 2; }

failures=0
fail() { printf 'FAIL %s\n' "$*" >&2; failures=$((failures + 1)); }

apt_updated=0
apt_install() {
  if ((apt_updated == 0)); then
    apt-get update -qq >/dev/null 2>&1 || true
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- tools ---------------------------------------------------------------------------------------

# A python3 (3.11+, for tomllib) with PyYAML.
py=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
    "$candidate" -c 'import sys, tomllib, yaml' >/dev/null 2>&1; then
    py=$candidate
    break
  fi
done
if [[ -z $py ]] && command -v python3 >/dev/null 2>&1 && python3 -c 'import tomllib' 2>/dev/null; then
  say "installing PyYAML (pip) to parse the compose file"
  if python3 -m pip install --quiet --disable-pip-version-check pyyaml >/dev/null 2>&1 &&
    python3 -c 'import yaml' 2>/dev/null; then
    py=python3
  fi
fi
if [[ -z $py ]]; then
  say "installing python3-yaml (apt) to parse the compose file"
  if apt_install python3 python3-yaml && /usr/bin/python3 -c 'import tomllib, yaml' 2>/dev/null; then
    py=/usr/bin/python3
  fi
fi
if [[ -z $py ]]; then
  echo "FAIL no python3 >= 3.11 with PyYAML, and neither pip nor apt-get could install one" >&2
  exit 1
fi

if ! command -v dash >/dev/null 2>&1; then
  say "installing dash (the image's /bin/sh) to parse the health check"
  apt_install dash || true
fi
have_dash=0
command -v dash >/dev/null 2>&1 && have_dash=1

analyze_skip=""
if ! command -v systemd-analyze >/dev/null 2>&1; then
  say "installing systemd for systemd-analyze verify"
  apt_install systemd || true
  command -v systemd-analyze >/dev/null 2>&1 ||
    analyze_skip="systemd-analyze is missing and 'apt-get install systemd' failed (no apt, not root, or no package source)"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- static checks (compose, Dockerfile, .dockerignore, unit) -------------------------------------
# Prints "ok ..." to stdout and "FAIL ..." to stderr; writes the health-check shell text (if any) to
# $work/healthcheck.sh and the unit's ExecStart binary to $work/execstart.
set +e
"$py" - "$root" "$work" <<'PY'
import glob, json, os, posixpath, re, shlex, sys, tomllib
import yaml

root, work = sys.argv[1], sys.argv[2]
failed = 0

def ok(msg):
    print(f"ok   {msg}")

def fail(msg):
    global failed
    failed += 1
    print(f"FAIL {msg}", file=sys.stderr)

def read(rel):
    try:
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return ""

COMPOSE, DOCKERFILE, UNIT, IGNORE, OPS = (
    "deploy/docker-compose.yml", "deploy/Dockerfile", "deploy/alpha-motors.service",
    ".dockerignore", "docs/OPERATIONS.md")
for rel in (COMPOSE, DOCKERFILE, UNIT, IGNORE):
    if not os.path.isfile(os.path.join(root, rel)):
        fail(f"{rel} is missing (checked as if empty)")

# ---------------------------------------------------------------- .dockerignore (Docker's rules)
def ignore_regex(pattern):
    out, i = "^", 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            if pattern[i + 1:i + 2] == "*":
                i += 1
                if pattern[i + 1:i + 2] == "/":
                    i += 1
                out += ".*" if i + 1 >= len(pattern) else "(.*/)?"
            else:
                out += "[^/]*"
        elif ch == "?":
            out += "[^/]"
        elif ch == "\\" and i + 1 < len(pattern):
            i += 1
            out += re.escape(pattern[i])
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out += re.escape(ch)
            else:
                out += "[" + pattern[i + 1:end].replace("\\", "\\\\") + "]"
                i = end
        else:
            out += re.escape(ch)
        i += 1
    return re.compile(out + "$")

ignore_rules = []
for line in read(IGNORE).splitlines():
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    negate = line.startswith("!")
    if negate:
        line = line[1:].strip()
    line = posixpath.normpath(line)
    if len(line) > 1 and line.startswith("/"):
        line = line[1:]
    ignore_rules.append((negate, ignore_regex(line), line.count("/") + 1))

def rule_verdict(path):
    """Docker's matcher for one path: last matching rule wins; a rule also matches a parent."""
    parts = path.split("/")
    verdict = False
    for negate, rx, depth in ignore_rules:
        hit = bool(rx.match(path))
        if not hit and len(parts) > 1 and depth <= len(parts) - 1:
            hit = bool(rx.match("/".join(parts[:depth])))
        if hit:
            verdict = not negate
    return verdict

def ignored(path):
    """Whether `docker build` leaves path out: it skips an excluded folder as it walks."""
    parts = path.split("/")
    for n in range(1, len(parts) + 1):
        if rule_verdict("/".join(parts[:n])):
            return True
    return False

for path, why in ((".data/postgres/PG_VERSION", ".data (a live PostgreSQL folder)"),
                  ("target/release/alpha-motors", "target/ (gigabytes of build output)"),
                  ("crates/server/target/debug/x", "nested target/ folders"),
                  (".git/HEAD", ".git"),
                  (".env", ".env (secrets)")):
    if ignored(path):
        ok(f".dockerignore excludes {why}")
    else:
        fail(f".dockerignore does not exclude {why}: add it")

def build_inputs():
    """Every file `cargo build --release` and the image need, as the build context sees them."""
    skip_dirs = {".git", "target", ".data", "node_modules"}
    for top in ("Cargo.toml", "Cargo.lock", "rust-toolchain", "rust-toolchain.toml"):
        if os.path.isfile(os.path.join(root, top)):
            yield top
    for top in ("crates", "migrations", "config", ".cargo"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if d not in skip_dirs)
            for name in sorted(filenames):
                if name.endswith((".swp", ".swo", "~", ".log")) or name.startswith((".#", ".env")):
                    continue
                yield os.path.relpath(os.path.join(dirpath, name), root)

dropped = [p for p in build_inputs() if ignored(p)]
if dropped:
    fail(".dockerignore drops files the image build needs: " + ", ".join(dropped[:8])
         + (f" (and {len(dropped) - 8} more)" if len(dropped) > 8 else ""))
else:
    ok(".dockerignore keeps Cargo.toml, Cargo.lock, crates/, migrations/, config/")

# ---------------------------------------------------------------- Dockerfile
def dockerfile_instructions(text):
    lines, buf = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and buf):
            continue
        if not stripped:
            continue
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        lines.append(buf + stripped)
        buf = ""
    if buf:
        lines.append(buf)
    for line in lines:
        word, _, rest = line.partition(" ")
        yield word.upper(), rest.strip()

def split_flags(rest):
    flags = {}
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        key, _, value = flag[2:].partition("=")
        flags[key] = value
        rest = rest.strip()
    return flags, rest

stages, healthcheck, exposed, final_env_path, final_copies = [], None, set(), None, []
for word, rest in dockerfile_instructions(read(DOCKERFILE)):
    if word == "FROM":
        stages.append(rest)
        healthcheck, exposed, final_env_path, final_copies = None, set(), None, []
    elif word in ("COPY", "ADD"):
        flags, rest = split_flags(rest)
        args = json.loads(rest) if rest.startswith("[") else shlex.split(rest)
        sources, dest = args[:-1], args[-1]
        final_copies.append((flags, sources, dest))
        if "from" in flags:
            continue
        for src in sources:
            if re.match(r"^[a-z]+://", src):
                continue
            clean = posixpath.normpath(src.lstrip("/"))
            if not glob.glob(os.path.join(root, clean)):
                fail(f"{DOCKERFILE}: {word} source {src!r} does not exist in the build context")
            elif clean != "." and ignored(clean):
                fail(f"{DOCKERFILE}: {word} source {src!r} is excluded by .dockerignore")
            else:
                ok(f"{DOCKERFILE}: {word} source {src!r} is in the build context")
    elif word == "HEALTHCHECK":
        healthcheck = rest
    elif word == "EXPOSE":
        exposed |= {int(p.split("/")[0]) for p in rest.split()}
    elif word == "ENV":
        m = re.match(r"PATH[= ]\s*(.*)$", rest)
        if m:
            final_env_path = m.group(1).strip('"')

default_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
path_dirs = (final_env_path or default_path).replace("$PATH", default_path).replace("${PATH}", default_path).split(":")

m = re.match(r"rust:(\d+)\.(\d+)", stages[0] if stages else "")
rust_version = tomllib.loads(read("Cargo.toml")).get("workspace", {}).get("package", {}).get("rust-version")
if m and rust_version:
    need = tuple(int(x) for x in rust_version.split(".")[:2])
    have = (int(m.group(1)), int(m.group(2)))
    if have < need:
        fail(f"{DOCKERFILE}: builds with rust {have[0]}.{have[1]}, the workspace needs {rust_version}")
    else:
        ok(f"{DOCKERFILE}: rust image {have[0]}.{have[1]} >= workspace rust-version {rust_version}")

server_manifest = tomllib.loads(read("crates/server/Cargo.toml"))
our_bins = {b["name"] for b in server_manifest.get("bin", [])} or {server_manifest["package"]["name"]}

def installed_by_image(name):
    """A final-stage COPY puts `name` into a PATH folder (or at that absolute path)."""
    for flags, sources, dest in final_copies:
        targets = [dest.rstrip("/") + "/" + posixpath.basename(s) for s in sources] if dest.endswith("/") else [dest]
        for t in targets:
            if name.startswith("/") and t == name:
                return True
            if not name.startswith("/") and posixpath.basename(t) == name and posixpath.dirname(t) in path_dirs:
                return True
    return False

def cli_subcommands():
    names = set()
    src_root = os.path.join(root, "crates/server/src")
    for dirpath, _, filenames in os.walk(src_root):
        for fn in filenames:
            if not fn.endswith(".rs"):
                continue
            text = open(os.path.join(dirpath, fn), encoding="utf-8").read()
            for block in re.finditer(r"derive\([^)]*\bSubcommand\b[^)]*\)\]\s*(?:#\[[^\]]*\]\s*)*pub\s+enum\s+\w+\s*\{(.*?)\n\}", text, re.S):
                body = block.group(1)
                for variant in re.finditer(r"^\s{4}([A-Z][A-Za-z0-9]*)\s*[,({]", body, re.M):
                    names.add(re.sub(r"(?<!^)(?=[A-Z])", "-", variant.group(1)).lower())
                names |= set(re.findall(r'#\[command\([^)]*\bname\s*=\s*"([^"]+)"', body))
    return names

BASHISMS = [(r"/dev/(tcp|udp)/", "/dev/tcp or /dev/udp (bash only; dash has no such files)"),
            (r"\[\[", "[[ ]] tests"), (r"<<<", "here-strings <<<"), (r"[<>]\(", "process substitution"),
            (r"&>", "&> redirection"), (r"\bfunction\s+\w+", "the function keyword"),
            (r"\$'", "$'...' quoting"), (r"(^|[;&|]\s*)(source)\s", "source (use .)"),
            (r"\$\{\w+//", "${var//...} substitution"), (r"\{\w+\.\.\w+\}", "{a..b} ranges"),
            (r"\bpipefail\b", "pipefail"), (r"\$RANDOM\b", "$RANDOM")]

def check_shell_text(text, where):
    problems = [why for rx, why in BASHISMS if re.search(rx, text)]
    for why in problems:
        fail(f"{where} uses a bash-ism under /bin/sh (dash in debian:bookworm-slim): {why}")
    with open(os.path.join(work, "healthcheck.sh"), "w") as f:
        f.write(text + "\n")
    if not problems:
        ok(f"{where} has no bash-isms")

final_base = stages[-1].split()[0] if stages else "?"
if healthcheck is None:
    fail(f"{DOCKERFILE}: the final image ({final_base}) has no HEALTHCHECK")
else:
    _, rest = split_flags(healthcheck)
    if rest.upper() == "NONE":
        fail(f"{DOCKERFILE}: HEALTHCHECK NONE switches the health check off")
    elif not rest.upper().startswith("CMD"):
        fail(f"{DOCKERFILE}: HEALTHCHECK needs CMD, got {rest!r}")
    else:
        cmd = rest[3:].strip()
        argv = None
        if cmd.startswith("["):
            # As Docker does: text that is not a JSON list of strings is shell form.
            try:
                argv = json.loads(cmd)
            except json.JSONDecodeError:
                pass
            if not (isinstance(argv, list) and all(isinstance(a, str) for a in argv)):
                argv = None
        if argv is not None:
            prog = posixpath.basename(argv[0]) if argv else ""
            if prog in ("sh", "dash", "bash") and "-c" in argv[:-1]:
                if prog == "bash":
                    fail(f"{DOCKERFILE}: HEALTHCHECK runs bash; use exec form of the binary")
                check_shell_text(argv[argv.index("-c") + 1], f"{DOCKERFILE}: HEALTHCHECK's {argv[0]} -c text")
            elif not argv:
                fail(f"{DOCKERFILE}: HEALTHCHECK CMD [] is empty")
            elif not installed_by_image(argv[0]):
                fail(f"{DOCKERFILE}: HEALTHCHECK runs {argv[0]!r}, which the final stage does not install "
                     f"on its PATH ({':'.join(path_dirs)})")
            else:
                ok(f"{DOCKERFILE}: HEALTHCHECK is exec form of {argv[0]!r}, installed on the image's PATH")
                if prog in our_bins and len(argv) > 1 and not argv[1].startswith("-"):
                    subs = cli_subcommands()
                    if argv[1] in subs:
                        ok(f"{DOCKERFILE}: '{prog} {argv[1]}' is a subcommand of the CLI")
                    else:
                        fail(f"{DOCKERFILE}: HEALTHCHECK runs '{prog} {argv[1]}' but the CLI (crates/server/src) "
                             f"has no such subcommand (has: {', '.join(sorted(subs)) or 'none found'})")
        else:
            check_shell_text(cmd, f"{DOCKERFILE}: HEALTHCHECK shell-form command")

# ---------------------------------------------------------------- compose
try:
    compose = yaml.safe_load(read(COMPOSE))
    ok(f"{COMPOSE} parses")
except yaml.YAMLError as e:
    fail(f"{COMPOSE} does not parse: {e}")
    compose = None

def interpolate(value):
    """Compose's ${VAR...} with no variable set: the defaults, as a fresh host would get them."""
    def repl(m):
        if m.group(0) == "$$":
            return "$"
        op, arg = m.group(2), m.group(3) or ""
        if op in (":-", "-"):
            return arg
        if op in (":?", "?"):
            return "REQUIRED"
        return ""
    return re.sub(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}", repl, str(value))

def published(entry):
    """(host_ip, host_port, container_port) of a ports: entry."""
    if isinstance(entry, dict):
        return (interpolate(entry.get("host_ip", "")), interpolate(entry.get("published", "")),
                interpolate(entry.get("target", "")))
    text = interpolate(entry).split("/")[0]
    ip = ""
    m = re.match(r"^\[([^\]]*)\]:(.*)$", text)
    if m:
        ip, text = m.group(1), m.group(2)
    parts = text.split(":")
    if len(parts) >= 3:
        ip, parts = ":".join(parts[:-2]), parts[-2:]
    host, container = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
    return ip, host, container

def ports_of(text):
    a, _, b = str(text).partition("-")
    return set(range(int(a), int(b or a) + 1)) if a.isdigit() else set()

if isinstance(compose, dict):
    services = compose.get("services") or {}
    missing = {"db", "api"} - set(services)
    if missing:
        fail(f"{COMPOSE}: services {sorted(missing)} missing (has {sorted(services)})")
    else:
        ok(f"{COMPOSE}: services db and api present")
    compose_dir = os.path.dirname(os.path.join(root, COMPOSE))
    declared_volumes = set((compose.get("volumes") or {}).keys())
    config_toml = tomllib.loads(read("config/default.toml"))
    server_ports = {config_toml.get("http", {}).get("port"),
                    config_toml.get("gateways", {}).get("client_port"),
                    config_toml.get("gateways", {}).get("sms_port")}
    sms_port = config_toml.get("gateways", {}).get("sms_port", 3091)
    for name, svc in services.items():
        svc = svc or {}
        build = svc.get("build")
        if build is not None:
            context = build if isinstance(build, str) else build.get("context", ".")
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            ctx = os.path.normpath(os.path.join(compose_dir, interpolate(context)))
            df = os.path.join(ctx, interpolate(dockerfile))
            if not os.path.isdir(ctx):
                fail(f"{COMPOSE}: {name}.build.context {context!r} is not a folder")
            elif os.path.realpath(ctx) != os.path.realpath(root):
                fail(f"{COMPOSE}: {name}.build.context {context!r} is not the repository root, which {DOCKERFILE}'s COPY lines assume")
            elif not os.path.isfile(df):
                fail(f"{COMPOSE}: {name}.build.dockerfile {dockerfile!r} does not exist under {context!r}")
            else:
                ok(f"{COMPOSE}: {name} builds {os.path.relpath(df, root)} from the repository root")
        for env_file in ([svc["env_file"]] if isinstance(svc.get("env_file"), (str, dict)) else svc.get("env_file") or []):
            path = env_file if isinstance(env_file, str) else env_file.get("path")
            required = True if isinstance(env_file, str) else env_file.get("required", True)
            if required and not os.path.isfile(os.path.join(compose_dir, interpolate(path))):
                fail(f"{COMPOSE}: {name}.env_file {path!r} does not exist")
        for vol in svc.get("volumes") or []:
            if isinstance(vol, dict):
                src, kind = vol.get("source", ""), vol.get("type", "volume")
            else:
                src = interpolate(vol).split(":")[0]
                kind = "bind" if src.startswith((".", "/", "~")) else "volume"
            if kind == "bind":
                if src.startswith(".") and not os.path.exists(os.path.join(compose_dir, src)):
                    fail(f"{COMPOSE}: {name} mounts {src!r}, which does not exist next to the compose file")
                elif src.startswith("."):
                    ok(f"{COMPOSE}: {name} mounts existing {src!r}")
            elif src and src not in declared_volumes:
                fail(f"{COMPOSE}: {name} uses volume {src!r}, not declared under top-level volumes:")
        entries = svc.get("ports") or []
        if name == "db" and entries:
            fail(f"{COMPOSE}: db publishes ports {entries}: PostgreSQL must be reachable only over the compose network")
        elif name == "db":
            ok(f"{COMPOSE}: db publishes no port")
        for entry in entries:
            try:
                ip, host, container = published(entry)
            except Exception as e:
                fail(f"{COMPOSE}: {name} port {entry!r} cannot be read ({e})")
                continue
            cports = ports_of(container)
            if not cports:
                fail(f"{COMPOSE}: {name} port {entry!r} has no container port")
                continue
            label = "SMS-device port " if sms_port in cports else ""
            why = ("devices only: docs/OPERATIONS.md keeps it off the public internet" if label else
                   "plain HTTP: a TLS proxy on the host forwards to it, deploy/nginx.conf.example")
            if ip in ("", "0.0.0.0", "::", "[::]", "*"):
                fail(f"{COMPOSE}: {name} publishes {label}{entry!r} on all interfaces; bind it to 127.0.0.1 "
                     f"or a private address ({why})")
            else:
                ok(f"{COMPOSE}: {name} publishes {label}{container} on {ip} only")
            if name == "api":
                if not cports <= exposed:
                    fail(f"{COMPOSE}: api publishes {sorted(cports - exposed)}, which {DOCKERFILE} does not EXPOSE")
                if not cports <= server_ports:
                    fail(f"{COMPOSE}: api publishes {sorted(cports - server_ports)}, where the server does not "
                         f"listen by default (config/default.toml: {sorted(p for p in server_ports if p)})")

# ---------------------------------------------------------------- several instances behind nginx
NGINX = "deploy/nginx/compose.conf"
if isinstance(compose, dict):
    services = compose.get("services") or {}
    instances = sorted(n for n, svc in services.items()
                       if isinstance((svc or {}).get("build"), (str, dict)))
    if len(instances) < 2:
        fail(f"{COMPOSE}: fewer than two server instances ({instances}); scaling out is shown with two")
    else:
        ok(f"{COMPOSE}: server instances {instances}")
    for name in instances:
        env = services[name].get("environment") or {}
        if isinstance(env, list):
            env = dict(e.split("=", 1) for e in env if "=" in e)
        if not str(env.get("REDIS_URL", "")).startswith("redis://"):
            fail(f"{COMPOSE}: {name} has no REDIS_URL: its app sockets would miss other instances' events")
    if "redis" not in services:
        fail(f"{COMPOSE}: no redis service")
    nginx = services.get("nginx") or {}
    mounts = [interpolate(v).split(":")[0] for v in nginx.get("volumes") or [] if isinstance(v, str)]
    if "./nginx/compose.conf" not in mounts:
        fail(f"{COMPOSE}: nginx does not mount ./nginx/compose.conf")
    conf = read(NGINX)
    upstreams = dict(re.findall(r"upstream\s+(\w+)\s*\{([^}]*)\}", conf))
    for port in sorted(p for p in server_ports if p):
        pools = [body for body in upstreams.values() if re.search(rf":{port};", body)]
        if not pools:
            fail(f"{NGINX}: no upstream for port {port}")
            continue
        for name in instances:
            if not any(re.search(rf"server\s+{name}:{port};", body) for body in pools):
                fail(f"{NGINX}: the upstream for port {port} does not list {name}:{port}")
        if port != config_toml.get("http", {}).get("port") and not any(
                re.search(r"^\s*(ip_hash|hash\s+\S+)", body, re.M) for body in pools):
            fail(f"{NGINX}: the Socket.IO upstream for port {port} is not sticky (hash or ip_hash): "
                 "polling requests would reach an instance that does not know the session")
    for block in re.findall(r"location\s+/socket\.io/\s*\{([^}]*)\}", conf):
        if not (re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade", block)
                and re.search(r"proxy_set_header\s+Connection\s+\S*upgrade", block)
                and "proxy_http_version 1.1" in block):
            fail(f"{NGINX}: a /socket.io/ location lacks the WebSocket upgrade (HTTP/1.1, Upgrade, Connection)")
    if not re.findall(r"location\s+/socket\.io/", conf):
        fail(f"{NGINX}: no /socket.io/ location")
    ok(f"{NGINX}: checked")

# ---------------------------------------------------------------- systemd unit
unit_text = read(UNIT)
steps = []
for line in unit_text.splitlines():
    if line.startswith("["):
        break
    m = re.match(r"^#\s{3,}(\S.*)$", line)
    if m:
        steps.append(m.group(1).strip())
if not steps:
    fail(f"{UNIT}: no install steps in its header comment (lines '#   command')")

created_files, created_dirs, users, groups = set(), set(), set(), set()
for step in steps:
    for cmd in re.split(r"\s*(?:&&|;)\s*", step):
        try:
            argv = shlex.split(cmd, comments=True)
        except ValueError:
            continue
        if not argv:
            continue
        if argv[0] in ("useradd", "adduser"):
            users.add(argv[-1])
            if "--user-group" in argv or "-U" in argv:
                groups.add(argv[-1])
        elif argv[0] in ("groupadd", "addgroup"):
            groups.add(argv[-1])
        elif argv[0] == "mkdir":
            created_dirs |= {a for a in argv[1:] if not a.startswith("-")}
        elif argv[0] == "install":
            args, directory, i = [], False, 1
            while i < len(argv):
                a = argv[i]
                if a in ("-m", "-o", "-g", "-t", "--mode", "--owner", "--group", "--target-directory"):
                    i += 2
                    continue
                if a == "-d" or a == "--directory" or (re.match(r"^-[A-Za-z]+$", a) and "d" in a):
                    directory = True
                if not a.startswith("-"):
                    args.append(a)
                i += 1
            if directory:
                created_dirs |= set(args)
            elif len(args) >= 2:
                dest = args[-1]
                if dest.endswith("/"):
                    created_files |= {dest + posixpath.basename(s) for s in args[:-1]}
                    created_dirs.add(dest.rstrip("/"))
                else:
                    created_files.add(dest)

directives = []
section = None
for line in unit_text.splitlines():
    line = line.strip()
    if not line or line.startswith(("#", ";")):
        continue
    if line.startswith("["):
        section = line
        continue
    key, _, value = line.partition("=")
    directives.append((section, key.strip(), value.strip()))

managed = {"StateDirectory": "/var/lib", "LogsDirectory": "/var/log", "CacheDirectory": "/var/cache",
           "RuntimeDirectory": "/run", "ConfigurationDirectory": "/etc"}
managed_dirs = set()
for _, key, value in directives:
    if key in managed:
        managed_dirs |= {managed[key] + "/" + v.split(":")[0] for v in value.split()}

def created(path):
    if path in created_files or path in created_dirs:
        return "an install step"
    for d in managed_dirs:
        if path == d or path.startswith(d + "/"):
            return "systemd (" + [k for k, base in managed.items() if d.startswith(base + "/")][0] + "=)"
    return None

named = []
for _, key, value in directives:
    if key in ("WorkingDirectory", "RootDirectory"):
        named.append((key, value.lstrip("-+!")))
    elif key in ("EnvironmentFile",):
        named.append((key, value.lstrip("-")))
    elif key.startswith("Exec"):
        named.append((key, shlex.split(value)[0].lstrip("@-:+!")))
    elif key in ("ReadWritePaths", "ReadOnlyPaths", "InaccessiblePaths", "ExecPaths", "NoExecPaths",
                 "BindPaths", "BindReadOnlyPaths", "TemporaryFileSystem"):
        named += [(key, p.lstrip("-+").split(":")[0]) for p in shlex.split(value)]
    elif key == "Environment":
        for assignment in shlex.split(value):
            var, _, val = assignment.partition("=")
            if val.startswith("/"):
                named.append((f"Environment {var}", val))
for key, path in named:
    if not path.startswith("/") or path.startswith(("/tmp", "/var/tmp", "/dev/", "/proc", "/sys")):
        continue
    how = created(path)
    if how:
        ok(f"{UNIT}: {key} {path} is created by {how}")
    else:
        fail(f"{UNIT}: {key} names {path}, which neither the unit (StateDirectory= ...) nor an install step in its header creates")

dynamic = any(k == "DynamicUser" and v.lower() in ("yes", "true", "1", "on") for _, k, v in directives)
for _, key, value in directives:
    if key == "User" and not dynamic and value not in ("root", "0"):
        if value in users:
            ok(f"{UNIT}: User={value} is created by the documented useradd step")
        else:
            fail(f"{UNIT}: User={value} is not created by any documented step (add a 'useradd ... {value}' line)")
    if key == "Group" and not dynamic and value not in ("root", "0"):
        if value in groups:
            ok(f"{UNIT}: Group={value} is created by a documented step")
        else:
            fail(f"{UNIT}: Group={value} is not created by any documented step")
exec_start = [v for s, k, v in directives if k == "ExecStart"]
if exec_start:
    with open(os.path.join(work, "execstart"), "w") as f:
        f.write(shlex.split(exec_start[0])[0].lstrip("@-:+!") + "\n")

ops_path = os.path.join(root, OPS)
if os.path.isfile(ops_path):
    ops = " ".join(open(ops_path, encoding="utf-8").read().split())
    missing_steps = [s for s in steps if " ".join(s.split()) not in ops]
    if missing_steps:
        fail(f"{OPS} lacks install steps of {UNIT}: " + " | ".join(missing_steps))
    else:
        ok(f"{OPS} carries the unit's {len(steps)} install steps")
else:
    fail(f"{OPS} is missing")

sys.exit(1 if failed else 0)
PY
static_rc=$?
set -e
((static_rc == 0)) || failures=$((failures + 1))

# --- the health-check text under dash ------------------------------------------------------------
if [[ -f $work/healthcheck.sh ]]; then
  if ((have_dash == 0)); then
    fail "dash is missing and 'apt-get install dash' failed: cannot parse the HEALTHCHECK shell text"
  elif err=$(dash -n "$work/healthcheck.sh" 2>&1); then
    say "ok   deploy/Dockerfile: HEALTHCHECK shell text parses under dash"
  else
    fail "deploy/Dockerfile: HEALTHCHECK shell text does not parse under dash: $err"
  fi
fi

# --- systemd-analyze verify ----------------------------------------------------------------------
unit=deploy/alpha-motors.service
if [[ -n $analyze_skip ]]; then
  say "skip systemd-analyze verify $unit: $analyze_skip"
elif [[ ! -s $work/execstart ]]; then
  fail "$unit has no ExecStart="
else
  # verify wants ExecStart's binary to exist: point a copy of the unit at an executable stub.
  binary=$(<"$work/execstart")
  mkdir -p "$work/unit" "$work/bin"
  printf '#!/bin/sh\nexit 0\n' >"$work/bin/stub" && chmod +x "$work/bin/stub"
  BINARY="$binary" STUB="$work/bin/stub" "$py" -c '
import os, sys
text = sys.stdin.read()
out = []
for line in text.splitlines():
    if line.lstrip().startswith("Exec"):
        line = line.replace(os.environ["BINARY"], os.environ["STUB"])
    out.append(line)
print("\n".join(out))' <"$root/$unit" >"$work/unit/alpha-motors.service"
  set +e
  out=$(cd "$work/unit" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no ./alpha-motors.service 2>&1)
  rc=$?
  set -e
  # It exits 0 on "Unknown key ..., ignoring" and similar: any line about our unit is a failure.
  ours=$(grep -F 'alpha-motors.service' <<<"$out" || true)
  if ((rc != 0)) || [[ -n $ours ]]; then
    fail "systemd-analyze verify $unit (exit $rc):"$'\n'"${out//$work\/unit\//$unit (copy): }"
  else
    say "ok   systemd-analyze verify $unit: clean"
    [[ -z $out ]] || say "     (notes about other units: $out)"
  fi
fi

if ((failures)); then
  echo "deploy checks: FAILED (see FAIL lines above)" >&2
  exit 1
fi
echo "deploy checks: all passed"
