#!/usr/bin/env bash
# The test command: installs what the tests need, starts the servers they talk to, then runs
# formatting, lint and every test (unit and integration) against the real services.
# Usage: scripts/test.sh            (from anywhere; CI calls it through .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
if ! cargo fmt --version >/dev/null 2>&1; then rustup component add rustfmt; fi
if ! cargo clippy --version >/dev/null 2>&1; then rustup component add clippy; fi
cargo --version

step "PostgreSQL"
if [[ -z ${TEST_ADMIN_DATABASE_URL:-} ]]; then
  if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432 -U postgres; then
    export TEST_ADMIN_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
  else
    # No server of the machine's own: try to start it, else run a throwaway one.
    if command -v pg_ctlcluster >/dev/null 2>&1 && ls /etc/postgresql/*/main >/dev/null 2>&1; then
      ver=$(ls /etc/postgresql | sort -V | tail -n1)
      pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || true
    fi
    if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432 -U postgres; then
      export TEST_ADMIN_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
    else
      eval "$(scripts/services/postgres.sh)"
      export TEST_ADMIN_DATABASE_URL
    fi
  fi
fi
echo "tests use $TEST_ADMIN_DATABASE_URL"

# The mail and calendar servers the integration tests talk to: each script installs its server
# when missing (apt-get/pip), starts it on loopback under $SVC_DIR and prints KEY=value lines.
export SVC_DIR=${SVC_DIR:-/tmp/cams-test-services}
step "mail and calendar servers"
for svc in scripts/services/smtp-sink.sh scripts/services/dovecot.sh scripts/services/radicale.sh; do
  if [[ -x $svc ]]; then
    # Export what the script prints: the tests (child processes) read it from the environment.
    out=$("$svc")
    set -a
    eval "$out"
    set +a
  fi
done

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --locked --all-targets -- -D warnings

step "cargo test"
# Benches are criterion harnesses (no --test-threads); clippy above already type-checks them.
cargo test --locked --lib --bins --tests -- --test-threads="${CAMS_TEST_THREADS:-8}"
