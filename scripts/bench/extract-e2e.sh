#!/usr/bin/env bash
# End-to-end speed of `cams nlp extract` (JSON lines in, JSON lines out) on one core.
# Usage: scripts/bench/extract-e2e.sh [REPEAT] [CORPUS_DIR...]
# Builds {"id","eml"} lines from every .eml (the corpus repeated REPEAT times, so the run lasts
# long enough to time), pins the command to CPU 0 and prints emails/s including process start,
# model load, JSON parsing and output.
set -euo pipefail
repeat=${1:-20}
shift || true
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(tests/fixtures/nlp/dev tests/fixtures/nlp/test)
bin=${CAMS_BIN:-target/release/cams}
[ -x "$bin" ] || { echo "no $bin: run CARGO_BUILD_JOBS=1 cargo build --release" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find "${dirs[@]}" -name '*.eml' | sort > "$work/files"
for f in $(cat "$work/files"); do
  jq -cRs --arg id "$f" '{id: $id, eml: .}' "$f"
done > "$work/once.jsonl"
for _ in $(seq "$repeat"); do cat "$work/once.jsonl"; done > "$work/in.jsonl"
lines=$(wc -l < "$work/in.jsonl")
# CPU seconds (user + system) as well as wall time: on a shared machine the wall clock counts
# the time other processes held the core.
# CAMS_BIN names the binary for this script; cams itself reads every CAMS_ variable as its
# configuration and refuses unknown keys, so it must not see it.
/usr/bin/time -o "$work/time" -f '%e %U %S' env -u CAMS_BIN taskset -c 0 "$bin" nlp extract < "$work/in.jsonl" > "$work/out.jsonl"
read -r wall user sys < "$work/time"
out=$(wc -l < "$work/out.jsonl")
errors=$(jq -c 'select(.error != null)' "$work/out.jsonl" | wc -l)
awk -v n="$lines" -v o="$out" -v e="$errors" -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN {
  printf "%d lines in, %d lines out, %d with an error; wall %.2f s = %.0f emails/s; CPU %.2f s = %.0f emails per CPU-second (one core)\n", n, o, e, w, n / w, u + s, n / (u + s)
}'
