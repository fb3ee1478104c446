#!/usr/bin/env python3
"""Derives the public-data training files in data/ from /work/shared/data (deterministic).

Only non-scheduling material is taken, labelled `other`: CLINC150 requests of intents that have
nothing to do with meetings or time (the first 4 training requests of each, plus the first 150
out-of-scope ones), and EmailIntentDataSet sentences that mention no meeting, call, date or time
(every 4th such sentence of the training file). Scheduling-looking sentences are left out because
their labels ("asks the reader to act") do not map to our intents.
Usage: python3 models/intent/derive_public.py /work/shared/data
"""
import json
import re
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data"
EXCLUDED = {"schedule_meeting", "meeting_schedule", "calendar", "calendar_update", "cancel",
            "yes", "no", "maybe", "time", "date", "timezone", "reminder", "reminder_update",
            "alarm", "timer", "meaning_of_life"}
SCHEDULING = re.compile(
    r"meet|call|schedul|calendar|availab|free|lunch|coffee|breakfast|dinner|appointment|"
    r"conference|resched|cancel|postpon|time|slot|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|tomorrow|today|tonight|week|month|\bam\b|\bpm\b|\d|o'clock|invite|"
    r"invitation|agenda|catch up|chat|talk|visit|come by|stop by|drop by|together|see you|"
    r"confirm|decline|pass on|interested|works for|sounds good|book|reserv",
    re.IGNORECASE)


def line(text):
    return json.dumps({"text": text, "intent": "other", "origin": "public"}, ensure_ascii=False)


with open(f"{src}/clinc150/data_full.json", encoding="utf-8") as f:
    clinc = json.load(f)
taken = {}
out = []
for text, label in clinc["train"]:
    if label in EXCLUDED or taken.get(label, 0) >= 4:
        continue
    taken[label] = taken.get(label, 0) + 1
    out.append(line(text))
out.extend(line(text) for text, _ in clinc["oos_train"][:150])
with open("data/public_clinc150.jsonl", "w", encoding="utf-8") as f:
    f.write("\n".join(out) + "\n")

out = []
kept = 0
with open(f"{src}/email-intent/Ask0729-fixed.txt", encoding="utf-8", errors="replace") as f:
    for raw in f:
        parts = raw.rstrip("\n").split("\t", 1)
        if len(parts) != 2 or not parts[1].strip() or SCHEDULING.search(parts[1]):
            continue
        kept += 1
        if kept % 4 == 0:
            out.append(line(parts[1].strip()))
with open("data/public_email_intent.jsonl", "w", encoding="utf-8") as f:
    f.write("\n".join(out) + "\n")
