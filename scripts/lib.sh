# Shared steps of scripts/start and scripts/test. Sourced, not run.
# Each step is idempotent: it checks first and only installs or starts what is missing.

QUAYSIDE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UV_VERSION="0.13.8"
MINIMUM_PYTHON="3.12"
export UV_CACHE_DIR="${UV_CACHE_DIR:-$HOME/.cache/quayside-uv}"
export UV_PYTHON_DOWNLOADS=never

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "this step needs root: $*"
  fi
}

apt_install() {
  say "installing Debian packages: $*"
  if [ -z "${QUAYSIDE_APT_UPDATED:-}" ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    export QUAYSIDE_APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

python_is_recent() {
  "$1" -c "import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)" >/dev/null 2>&1
}

find_python() {
  local candidate
  for candidate in "${QUAYSIDE_PYTHON:-}" python3.13 python3.12 python3 \
      "$HOME"/.pyenv/versions/3.13*/bin/python3 "$HOME"/.pyenv/versions/3.12*/bin/python3; do
    [ -n "$candidate" ] || continue
    if python_is_recent "$candidate"; then
      command -v "$candidate" 2>/dev/null || echo "$candidate"
      return 0
    fi
  done
  die "Python $MINIMUM_PYTHON or newer is required; set QUAYSIDE_PYTHON to its path"
}

ensure_uv() {
  UV="$QUAYSIDE_ROOT/var/tools/bin/uv"
  if [ -x "$UV" ] && "$UV" --version 2>/dev/null | grep -q "$UV_VERSION"; then return 0; fi
  local python
  python="$(find_python)"
  say "installing uv $UV_VERSION into var/tools"
  if ! "$python" -m venv "$QUAYSIDE_ROOT/var/tools" >/dev/null 2>&1; then
    apt_install "python3-venv"
    "$python" -m venv "$QUAYSIDE_ROOT/var/tools"
  fi
  "$QUAYSIDE_ROOT/var/tools/bin/pip" install -q "uv==$UV_VERSION"
}

# Installs the locked dependencies (runtime and development) into .venv.
ensure_venv() {
  ensure_uv
  local python
  python="$(find_python)"
  say "syncing .venv with uv.lock (Python: $python)"
  (cd "$QUAYSIDE_ROOT" && "$UV" sync --locked --quiet --python "$python")
  export PATH="$QUAYSIDE_ROOT/.venv/bin:$PATH"
}

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  command -v pg_lsclusters >/dev/null || apt_install postgresql
  say "starting PostgreSQL"
  local version
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL did not start on 127.0.0.1:5432"
  # A fresh Debian cluster uses peer/scram auth; the test suite connects as postgres over TCP.
  psql -h 127.0.0.1 -U postgres -c 'SELECT 1' >/dev/null 2>&1 || \
    die "cannot connect to PostgreSQL as postgres on 127.0.0.1; allow trust auth or set DATABASE_URL"
}

ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then return 0; fi
  command -v redis-server >/dev/null || apt_install redis-server
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/quayside-redis.log
  for _ in $(seq 1 20); do redis-cli ping 2>/dev/null | grep -q PONG && return 0; sleep 0.5; done
  die "Redis did not start on 127.0.0.1:6379"
}

ensure_chromium() {
  if command -v chromium >/dev/null; then return 0; fi
  apt_install chromium
}
