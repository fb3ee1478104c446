#!/usr/bin/env bash
# Starts a throwaway Dovecot IMAP server for the integration tests: loopback only, its own config
# and state under $SVC_DIR/dovecot (the machine's /etc/dovecot is not read), users from a
# passwd-file, Maildir under $SVC_DIR/mail/<user>. Installs dovecot-imapd with apt-get when missing.
# STARTTLS is offered with a self-signed certificate for 127.0.0.1 (IMAP_CA_FILE trusts it).
# Prints IMAP_HOST=, IMAP_PORT=, IMAP_USER=, IMAP_PASSWORD=, IMAP_CA_FILE= lines to `eval`; every
# other word goes to stderr. Idempotent: when it already runs, it only prints them. After a
# `kill -9` of the master (its pid is in $SVC_DIR/dovecot/master.pid), running it again restarts.
# Override: SVC_DIR, IMAP_PORT, IMAP_USER, IMAP_PASSWORD (several instances can run side by side).
set -euo pipefail

SVC_DIR=${SVC_DIR:-/tmp/cams-test-services}
IMAP_HOST=127.0.0.1
IMAP_PORT=${IMAP_PORT:-11143}
IMAP_USER=${IMAP_USER:-agent@example.test}
IMAP_PASSWORD=${IMAP_PASSWORD:-agent-secret}
dir="$SVC_DIR/dovecot"
mail_root="$SVC_DIR/mail"
pidfile="$dir/master.pid"

say() { echo "dovecot.sh: $*" >&2; }
die() { say "$*"; exit 1; }
details() {
  echo "IMAP_HOST=$IMAP_HOST"
  echo "IMAP_PORT=$IMAP_PORT"
  echo "IMAP_USER=$IMAP_USER"
  echo "IMAP_PASSWORD=$IMAP_PASSWORD"
  echo "IMAP_CA_FILE=$dir/tls/ca.pem"
}
port_open() { (exec 3<>"/dev/tcp/$IMAP_HOST/$IMAP_PORT") 2>/dev/null; }
# A pid counts only while it is a live dovecot (not a zombie, not a reused pid).
master_alive() {
  local pid state
  [[ -s $pidfile ]] || return 1
  pid=$(head -n1 "$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q dovecot
}

if master_alive && port_open; then
  details
  exit 0
fi

[[ $EUID -eq 0 ]] || die "must run as root: Dovecot's master needs it to switch to the mail user"
if ! command -v dovecot >/dev/null 2>&1 || [[ ! -x /usr/lib/dovecot/imap ]]; then
  say "installing dovecot-imapd (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq dovecot-imapd >&2
fi
id -u vmail >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin vmail

# After a kill -9 of the master alone, its children (auth, log, imap sessions...) live on as
# orphans. They are in the master's process group, whose id is the old master's pid: end that
# group, so old sessions do not keep serving clients next to the new server.
if [[ -s $pidfile ]]; then
  old=$(head -n1 "$pidfile")
  if [[ $old =~ ^[0-9]+$ ]] && ! master_alive; then
    kill -TERM -- "-$old" 2>/dev/null || true
  fi
fi
for _ in $(seq 100); do port_open || break; sleep 0.1; done
port_open && die "127.0.0.1:$IMAP_PORT is held by another process (set IMAP_PORT)"

rm -rf "$dir/run"
mkdir -p "$dir/run" "$dir/state" "$dir/tls" "$mail_root"
chown vmail:vmail "$mail_root"
vmail_uid=$(id -u vmail)

# A test CA and a server certificate it signs (webpki refuses a self-signed CA certificate used
# as the server's own).
if [[ ! -s $dir/tls/ca.pem || ! -s $dir/tls/cert.pem || ! -s $dir/tls/key.pem ]]; then
  command -v openssl >/dev/null 2>&1 || apt-get install -y -qq openssl >&2
  t="$dir/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=CAMS test CA" \
    -keyout "$t/ca.key" -out "$t/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$IMAP_HOST" \
    -keyout "$t/key.pem" -out "$t/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:%s,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
    "$IMAP_HOST" >"$t/server.ext"
  openssl x509 -req -in "$t/server.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" -CAcreateserial \
    -days 3650 -extfile "$t/server.ext" -out "$t/cert.pem" 2>/dev/null
  chmod 0600 "$t/key.pem" "$t/ca.key"
  chmod 0644 "$t/cert.pem" "$t/ca.pem"
fi

# passwd-file: user:{SCHEME}password:uid:gid:gecos:home:shell:extra
printf '%s:{PLAIN}%s::::::\n' "$IMAP_USER" "$IMAP_PASSWORD" >"$dir/users"
chown root:dovecot "$dir/users"
chmod 0640 "$dir/users"

cat >"$dir/dovecot.conf" <<CONF
# Written by scripts/services/dovecot.sh: a throwaway test server, never a production one.
instance_name = cams-test-$IMAP_PORT
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
protocols = imap
listen = $IMAP_HOST
# STARTTLS on the one port; not required, so plain sessions work too.
ssl = yes
ssl_cert = <$dir/tls/cert.pem
ssl_key = <$dir/tls/key.pem
# Plaintext passwords are acceptable only because nothing leaves the loopback interface.
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = $vmail_uid
last_valid_uid = $vmail_uid
mail_uid = vmail
mail_gid = vmail
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users
}
userdb {
  driver = static
  args = uid=vmail gid=vmail home=$mail_root/%n
}
service imap-login {
  inet_listener imap {
    address = $IMAP_HOST
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
protocol imap {
  # Tests in parallel log in as one user from one address.
  mail_max_userip_connections = 500
}
CONF

doveconf -c "$dir/dovecot.conf" -n >/dev/null || die "bad generated config: $dir/dovecot.conf"
# Detach stdio, or the daemon keeps the caller's pipe open and `eval "$(dovecot.sh)"` hangs.
dovecot -c "$dir/dovecot.conf" </dev/null >>"$dir/stderr.log" 2>&1
for _ in $(seq 100); do [[ -s $dir/run/master.pid ]] && break; sleep 0.05; done
[[ -s $dir/run/master.pid ]] || die "did not start; see $dir/dovecot.log"
cp "$dir/run/master.pid" "$pidfile"
for _ in $(seq 100); do port_open && break; sleep 0.05; done
port_open || die "port $IMAP_PORT did not open; see $dir/dovecot.log"
say "started on $IMAP_HOST:$IMAP_PORT (pid $(cat "$pidfile"))"
details
