#!/usr/bin/env python3
"""CAMS test SMTP receiver: keeps every message it is given, and fails on request.

Each DATA transaction is written byte for byte (atomically: temp file, fsync, rename) to
<dir>/messages/<pid>-<n>.eml and described by one JSON line in <dir>/received.jsonl:
  {"file", "message_id", "mail_from", "rcpt_tos", "size", "replied"}
where "replied" is false when the connection was dropped instead of answering 250.
Every injected failure is also logged to <dir>/events.jsonl ({"event", "rcpt", "count"}).

Failures are chosen by the recipient's local part (N optional; without it the failure is
permanent for that address, with it the address fails N times and is then accepted):
  tempfail[N]+x@...  RCPT answered 451 4.3.0
  permfail+x@...     RCPT answered 550 5.1.1
  dropconn[N]+x@...  message stored, then the connection is cut before the 250 reply
Counts are per full address, in memory: a test uses addresses of its own.

With --cert/--key it also listens with STARTTLS required (--starttls-port) and with TLS from
the first byte (--tls-port); each record names the listener that took it ("plain", "starttls",
"tls"), so a test can prove its mail went over TLS. Those listeners offer AUTH PLAIN/LOGIN for
user "cams", password "sink-secret" (optional; a wrong password gets 535). Each record also has
the client's "peer" address (one per connection: it shows connection reuse) and its "auth_user".
"""
import argparse
import itertools
import json
import os
import re
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# The one account the TLS listeners accept for SMTP AUTH (loopback test data, not a secret).
AUTH_USER, AUTH_PASSWORD = "cams", "sink-secret"


def check_login(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == AUTH_USER
          and auth_data.password.decode() == AUTH_PASSWORD)
    # handled=False: aiosmtpd then answers 535 itself (with the default it stays silent).
    return AuthResult(success=ok, handled=False, auth_data=AUTH_USER if ok else None)


RULE = re.compile(r"^(tempfail|permfail|dropconn)(\d*)\+", re.I)
MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.I | re.M)


class Sink:
    def __init__(self, root: str, listener: str = "plain", shared: "Sink | None" = None):
        self.listener = listener
        if shared is not None:
            # Another listener of the same receiver: one store, one set of failure counts.
            self.__dict__.update({k: v for k, v in shared.__dict__.items() if k != "listener"})
            return
        self.root = root
        self.messages = os.path.join(root, "messages")
        os.makedirs(self.messages, exist_ok=True)
        self.lock = threading.Lock()
        self.seen = {}  # (rule, address) -> failures injected so far
        self.counter = itertools.count(1)

    def _should_fail(self, rule: str, address: str) -> bool:
        m = RULE.match(address)
        if not m or m.group(1).lower() != rule:
            return False
        with self.lock:
            key = (rule, address.lower())
            done = self.seen.get(key, 0)
            if m.group(2) and done >= int(m.group(2)):
                return False
            self.seen[key] = done + 1
        self._log("events.jsonl", {"event": rule, "rcpt": address, "count": done + 1})
        return True

    def _log(self, name: str, record: dict) -> None:
        os.makedirs(self.root, exist_ok=True)
        with self.lock, open(os.path.join(self.root, name), "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self._should_fail("tempfail", address):
            return "451 4.3.0 Injected temporary failure, try again later"
        if self._should_fail("permfail", address):
            return "550 5.1.1 Injected permanent failure: no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        drop = any(self._should_fail("dropconn", r) for r in envelope.rcpt_tos)
        head = raw.split(b"\r\n\r\n", 1)[0]
        m = MESSAGE_ID.search(head)
        with self.lock:
            name = f"{os.getpid()}-{next(self.counter):06d}.eml"
        # Made again each time: a test run may have cleaned the directory while we run.
        os.makedirs(self.messages, exist_ok=True)
        path = os.path.join(self.messages, name)
        with open(path + ".tmp", "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.rename(path + ".tmp", path)
        self._log("received.jsonl", {
            "file": path,
            "message_id": re.sub(r"\s+", "", m.group(1).decode("utf-8", "replace")) if m else None,
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "size": len(raw),
            "replied": not drop,
            "listener": self.listener,
            "peer": "%s:%s" % tuple(session.peer[:2]),
            "auth_user": session.auth_data if session.authenticated else None,
        })
        if drop:
            # The message is kept but the client never hears "250": the case where a sender cannot
            # know whether its message arrived.
            server.transport.abort()
            return "421 4.4.2 connection dropped on purpose"
        return "250 2.0.0 Stored"


def main() -> None:
    ap = argparse.ArgumentParser(description="CAMS test SMTP receiver")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--cert", help="PEM certificate chain for the TLS listeners")
    ap.add_argument("--key", help="PEM private key for the TLS listeners")
    ap.add_argument("--starttls-port", type=int)
    ap.add_argument("--tls-port", type=int)
    args = ap.parse_args()
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        raise SystemExit("the test SMTP receiver listens on loopback only")
    common = dict(hostname=args.host, server_hostname="sink.cams.test", decode_data=False,
                  data_size_limit=50 * 1024 * 1024)
    plain = Sink(args.dir)
    controllers = [Controller(plain, port=args.port, **common)]
    if args.cert and args.key:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.cert, args.key)
        if args.starttls_port:
            controllers.append(Controller(
                Sink(args.dir, "starttls", plain), port=args.starttls_port,
                tls_context=ctx, require_starttls=True, authenticator=check_login,
                auth_require_tls=True, **common))
        if args.tls_port:
            controllers.append(Controller(
                Sink(args.dir, "tls", plain), port=args.tls_port, ssl_context=ctx,
                authenticator=check_login, auth_require_tls=True, **common))
    for c in controllers:
        c.start()
    print(f"listening on {args.host} ports "
          f"{[args.port, args.starttls_port, args.tls_port]}, storing under {args.dir}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    for c in controllers:
        c.stop()


if __name__ == "__main__":
    main()
