"""Wrap hand-written intent examples as emails, so `cams nlp derive` reads them as run time would.

Usage (from the repository root), for source/session12_a.jsonl and the others:

    python3 models/intent/wrap_own.py models/intent/source/session12_a.jsonl /tmp/own12/a
    target/release/cams nlp derive /tmp/own12/a/labels.jsonl --out /tmp/own12/a.jsonl
    python3 models/intent/wrap_own.py --own /tmp/own12/a.jsonl models/intent/data/own_session12_a.jsonl

Each source line is {"text", "subject", "is_reply", "is_forward", "ref", "intent"}: the new text
of one email, its subject and date. The email gets a plain sender and recipient, the date, and
In-Reply-To for a reply; the derived example keeps what the Reader hands the intent engine
(text, subject, header facts, how many times the time layer found) and is marked `own`, so a
fifth of them is the validation split and none calibrates the model.
"""
import datetime
import email.utils
import json
import os
import sys
from email.message import EmailMessage


def wrap(source, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    tag = os.path.splitext(os.path.basename(source))[0]
    labels = []
    for i, line in enumerate(open(source, encoding="utf-8")):
        x = json.loads(line)
        m = EmailMessage()
        m["From"] = "Sam Writer <sam.writer@example.org>"
        m["To"] = "Kim Reader <kim.reader@example.com>"
        m["Subject"] = x["subject"]
        m["Date"] = email.utils.format_datetime(datetime.datetime.fromisoformat(x["ref"]))
        m["Message-ID"] = f"<{tag}-{i}@example.org>"
        if x.get("is_reply"):
            m["In-Reply-To"] = f"<prev-{tag}-{i}@example.com>"
            m["References"] = f"<prev-{tag}-{i}@example.com>"
        m.set_content(x["text"])
        name = f"{i:03d}.eml"
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(bytes(m))
        labels.append({"file": name, "intent": x["intent"], "slots": []})
    with open(os.path.join(out_dir, "labels.jsonl"), "w") as f:
        for label in labels:
            f.write(json.dumps(label) + "\n")


def mark_own(derived, out):
    with open(out, "w", encoding="utf-8") as f:
        for line in open(derived, encoding="utf-8"):
            r = json.loads(line)
            r["origin"] = "own"
            r.pop("source", None)
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "--own":
        mark_own(sys.argv[2], sys.argv[3])
    else:
        wrap(sys.argv[1], sys.argv[2])
