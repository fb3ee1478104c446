#!/usr/bin/env bash
# Starts a throwaway Radicale CalDAV server for the tests: loopback only, htpasswd auth, data
# under $SVC_DIR/radicale, Radicale pip-installed (pinned) into a venv there.
# Prints RADICALE_URL=... RADICALE_USER=... RADICALE_PASSWORD=... for `eval`. Idempotent: a
# running instance is reused.
set -euo pipefail

SVC_DIR=${SVC_DIR:-/tmp/cams-test-services}
RADICALE_VERSION=3.9.0
RADICALE_PORT=${RADICALE_PORT:-15232}
RADICALE_USER=${RADICALE_USER:-cams}
RADICALE_PASSWORD=${RADICALE_PASSWORD:-cams-test-secret}
dir="$SVC_DIR/radicale"
venv="$dir/venv"
pidfile="$dir/radicale.pid"
url="http://127.0.0.1:$RADICALE_PORT/"

say() { echo "radicale.sh: $*" >&2; }

print_vars() {
  echo "RADICALE_URL=$url"
  echo "RADICALE_USER=$RADICALE_USER"
  echo "RADICALE_PASSWORD=$RADICALE_PASSWORD"
}

# A pid file alone proves nothing after a crash: the pid must still run Radicale.
running() {
  [[ -f $pidfile ]] || return 1
  local pid
  pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null && grep -q radicale "/proc/$pid/cmdline" 2>/dev/null
}

mkdir -p "$dir/collections"
if running; then
  print_vars
  exit 0
fi

if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c "import radicale" 2>/dev/null \
  || [[ $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("radicale"))') != "$RADICALE_VERSION" ]]; then
  say "installing Radicale $RADICALE_VERSION into $venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q "radicale==$RADICALE_VERSION" >&2
fi

# Plain htpasswd is enough for a loopback server holding test data only.
printf '%s:%s\n' "$RADICALE_USER" "$RADICALE_PASSWORD" >"$dir/users"
chmod 600 "$dir/users"
cat >"$dir/config" <<CONF
[server]
hosts = 127.0.0.1:$RADICALE_PORT
[auth]
type = htpasswd
htpasswd_filename = $dir/users
htpasswd_encryption = plain
[rights]
type = owner_only
[storage]
filesystem_folder = $dir/collections
[web]
type = none
[logging]
mask_passwords = True
CONF

nohup "$venv/bin/python" -m radicale --config "$dir/config" >>"$dir/radicale.log" 2>&1 </dev/null &
echo $! >"$pidfile"
for _ in $(seq 1 50); do
  if curl -s -o /dev/null "$url"; then
    print_vars
    exit 0
  fi
  sleep 0.2
done
say "Radicale did not answer on $url; see $dir/radicale.log"
exit 1
