#!/usr/bin/env bash
# Starts the test SMTP receiver (scripts/services/smtp_sink.py on aiosmtpd) on loopback, with its
# venv and data under $SVC_DIR/smtp. Idempotent: when it already runs, only prints the details.
# Prints SMTP_HOST=..., SMTP_PORT=... (plain), SMTP_STARTTLS_PORT=... (STARTTLS required),
# SMTP_TLS_PORT=... (implicit TLS), SMTP_SINK_CA=... (the CA its certificate is signed by),
# SMTP_SINK_USER/SMTP_SINK_PASSWORD (AUTH on the TLS ports) and SMTP_SINK_DIR=... for eval.
# Stop it with: kill "$(cat "$SVC_DIR/smtp/sink.pid")"
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SVC_DIR=${SVC_DIR:-/tmp/cams-test-services}
SMTP_HOST=127.0.0.1
SMTP_PORT=${SMTP_SINK_PORT:-12625}
SMTP_STARTTLS_PORT=${SMTP_SINK_STARTTLS_PORT:-12626}
SMTP_TLS_PORT=${SMTP_SINK_TLS_PORT:-12627}
dir="$SVC_DIR/smtp"
venv="$dir/venv"
pidfile="$dir/sink.pid"
AIOSMTPD=aiosmtpd==1.4.6

say() { echo "smtp-sink.sh: $*" >&2; }
details() {
  echo "SMTP_HOST=$SMTP_HOST"
  echo "SMTP_PORT=$SMTP_PORT"
  echo "SMTP_SINK_DIR=$dir/data"
  echo "SMTP_STARTTLS_PORT=$SMTP_STARTTLS_PORT"
  echo "SMTP_TLS_PORT=$SMTP_TLS_PORT"
  echo "SMTP_SINK_CA=$dir/tls/ca.pem"
  echo "SMTP_SINK_USER=cams"
  echo "SMTP_SINK_PASSWORD=sink-secret"
}
port_open() { (exec 3<>"/dev/tcp/$SMTP_HOST/${1:-$SMTP_PORT}") 2>/dev/null; }
ours_running() {
  [[ -s $pidfile ]] || return 1
  local pid
  pid=$(cat "$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # A zombie or a reused pid is not our server.
  [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || return 1
  tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q smtp_sink.py
}

mkdir -p "$dir/data"
if ours_running && port_open && port_open "$SMTP_TLS_PORT"; then
  details
  exit 0
fi
for p in "$SMTP_PORT" "$SMTP_STARTTLS_PORT" "$SMTP_TLS_PORT"; do
  if port_open "$p"; then
    say "127.0.0.1:$p is taken by another program; set SMTP_SINK_PORT, SMTP_SINK_STARTTLS_PORT, SMTP_SINK_TLS_PORT"
    exit 1
  fi
done

# A private CA and a certificate for 127.0.0.1/localhost signed by it, made once: the TLS
# listeners present it, and tests trust the CA (outbound.smtp.ca_file).
tls="$dir/tls"
if [[ ! -s $tls/server.pem || ! -s $tls/ca.pem ]]; then
  mkdir -p "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=CAMS test CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
    >"$tls/ext.cnf"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 3650 -extfile "$tls/ext.cnf" -out "$tls/server.pem" 2>/dev/null
fi

if ! "$venv/bin/python" -c 'import importlib.metadata as m, sys; sys.exit(m.version("aiosmtpd") != sys.argv[1])' \
     "${AIOSMTPD#*==}" 2>/dev/null; then
  say "installing $AIOSMTPD into $venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$AIOSMTPD" >&2
fi

nohup "$venv/bin/python" "$here/smtp_sink.py" --host "$SMTP_HOST" --port "$SMTP_PORT" \
  --dir "$dir/data" --cert "$tls/server.pem" --key "$tls/server.key" \
  --starttls-port "$SMTP_STARTTLS_PORT" --tls-port "$SMTP_TLS_PORT" >>"$dir/sink.log" 2>&1 </dev/null &
echo $! >"$pidfile"
for _ in $(seq 1 150); do
  if port_open && port_open "$SMTP_STARTTLS_PORT" && port_open "$SMTP_TLS_PORT"; then
    say "listening on $SMTP_HOST:$SMTP_PORT (pid $(cat "$pidfile"))"
    details
    exit 0
  fi
  kill -0 "$(cat "$pidfile")" 2>/dev/null || break
  sleep 0.1
done
say "the receiver did not start; see $dir/sink.log:"
tail -n 20 "$dir/sink.log" >&2
exit 1
