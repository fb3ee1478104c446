#!/usr/bin/env python3
"""Turns the project's labelled dev corpus (tests/fixtures/nlp/dev/*.eml + labels.jsonl) into
intent training lines, deterministically. Only the dev split: the test split is never read.

The text extraction here is a rough stand-in for src/nlp/text.rs (prefer text/plain, else HTML
to text; drop quoted history, signatures and forwarded headers; keep a forwarded original), and
`has_times` is the number of labelled slots, standing in for the time layer's count.
Usage: python3 models/intent/derive_corpus_dev.py <corpus>/tests/fixtures/nlp/dev OUT.jsonl
"""
import email
import email.policy
import html
import json
import re
import sys

dev, out_path = sys.argv[1], sys.argv[2]

QUOTE_START = re.compile(
    r"^(On .+wrote:|On .+|Le .+a écrit ?:|Am .+schrieb.*:|El .+escribió:|Op .+schreef.*:|"
    r"-+ ?Original Message ?-+|_{10,}|From: .+)$", re.IGNORECASE)
FORWARD = re.compile(r"^(-+ ?Forwarded message ?-+|Begin forwarded message:)", re.IGNORECASE)
SIGNATURE = re.compile(r"^(-- ?|Sent from my .+|Get Outlook for .+|Sent from Outlook.*)$")
HEADER_LINE = re.compile(r"^(From|Date|Sent|Subject|To|Cc|Reply-To):", re.IGNORECASE)


def html_to_text(s):
    s = re.sub(r"(?is)<(script|style).*?</\1>", " ", s)
    s = re.sub(r"(?i)<br\s*/?>|</(div|p|li|tr|h\d)>", "\n", s)
    s = re.sub(r"(?s)<[^>]+>", "", s)
    return html.unescape(s)


def body_text(msg):
    part = msg.get_body(preferencelist=("plain",))
    if part is not None:
        return part.get_content()
    part = msg.get_body(preferencelist=("html",))
    if part is not None:
        return html_to_text(part.get_content())
    return ""


def new_text(text):
    lines = text.replace("\r\n", "\n").split("\n")
    kept, forwarded, in_fwd_headers = [], False, False
    for i, line in enumerate(lines):
        s = line.strip()
        if FORWARD.match(s):
            forwarded, in_fwd_headers = True, True
            continue
        if in_fwd_headers:
            if HEADER_LINE.match(s) or not s:
                continue
            in_fwd_headers = False
        if s.startswith(">"):
            continue
        if not forwarded and QUOTE_START.match(s):
            # "On <date>, X" may wrap before "wrote:"; cut either way.
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if s.lower().startswith("on ") and not (s.endswith("wrote:") or nxt.endswith("wrote:")):
                kept.append(line)
                continue
            break
        if SIGNATURE.match(line.rstrip()) or SIGNATURE.match(s):
            if not forwarded:
                break
            continue
        kept.append(line)
    return "\n".join(kept).strip(), forwarded


labels = [json.loads(l) for l in open(f"{dev}/labels.jsonl", encoding="utf-8") if l.strip()]
rows = []
for lab in labels:
    with open(f"{dev}/{lab['file']}", "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    subject = str(msg.get("Subject", "") or "")
    try:
        text, forwarded = new_text(body_text(msg))
    except Exception:  # malformed MIME: nothing to learn from
        continue
    if text.count("\ufffd") > 5:  # undecodable bytes: nothing to learn from
        continue
    auto = str(msg.get("Auto-Submitted", "") or "").strip().lower()
    precedence = str(msg.get("Precedence", "") or "").strip().lower()
    rows.append({
        "text": text,
        "subject": subject,
        "is_reply": bool(msg.get("In-Reply-To")) or bool(re.match(r"(?i)^(re|aw|sv|antw)\s*:", subject)),
        "is_forward": forwarded or bool(re.match(r"(?i)^(fwd?|wg|tr)\s*:", subject)),
        "has_times": len(lab.get("slots") or []),
        "auto_submitted": auto not in ("", "no"),
        "list": bool(msg.get("List-Id") or msg.get("List-Unsubscribe")),
        "bulk": precedence in ("bulk", "junk", "list"),
        "intent": lab["intent"],
        "source": f"corpus-dev/{lab['file']}",
    })
with open(out_path, "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(rows), "rows")
