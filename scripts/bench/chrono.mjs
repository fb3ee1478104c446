// Times chrono-node's date extraction on the same clean texts `cams bench nlp` times CAMS on.
// Input: a JSONL file of {"id","text","ref","offset_minutes"}; output: one JSON object on stdout.
// Usage: node chrono.mjs FILE [--iterations N] [--warmup N]
import { readFileSync } from "node:fs";
import * as chrono from "chrono-node";

const args = process.argv.slice(2);
const file = args[0];
function flag(name, fallback) {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const n = Number.parseInt(args[i + 1], 10);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`chrono.mjs: ${name} needs a non-negative integer`);
    process.exit(2);
  }
  return n;
}
if (!file) {
  console.error("usage: node chrono.mjs FILE [--iterations N] [--warmup N]");
  process.exit(2);
}
const iterations = Math.max(1, flag("--iterations", 5));
const warmup = flag("--warmup", 1);

const emails = readFileSync(file, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l))
  .map((e) => ({
    id: e.id,
    text: e.text,
    // The offset keeps chrono's "3pm" in the sender's zone, as CAMS reads it.
    ref: { instant: new Date(e.ref), timezone: e.offset_minutes },
  }));

let sink = 0;
function pass(samples) {
  const t0 = process.hrtime.bigint();
  for (const e of emails) {
    const s = process.hrtime.bigint();
    sink += chrono.parse(e.text, e.ref).length;
    if (samples) samples.push(Number(process.hrtime.bigint() - s) / 1000);
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

for (let i = 0; i < warmup; i++) pass(null);
sink = 0;
const samples = [];
let seconds = 0;
// Process CPU time (user + system), as the Rust side reports its thread's: node's helper threads
// (GC) count here, which is fair, they are work parsing costs.
const cpu0 = process.cpuUsage();
for (let i = 0; i < iterations; i++) seconds += pass(samples);
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
samples.sort((a, b) => a - b);
// Nearest rank, as the Rust side computes it.
const pct = (p) => samples[Math.max(0, Math.ceil((p / 100) * samples.length) - 1)];
// The package's exports hide its package.json, so read it from the folder beside this script.
const version = JSON.parse(
  readFileSync(new URL("./node_modules/chrono-node/package.json", import.meta.url), "utf8"),
).version;

console.log(
  JSON.stringify({
    tool: "chrono-node",
    version,
    node: process.version,
    emails: emails.length,
    passes: iterations,
    reads: samples.length,
    seconds,
    emails_per_sec: samples.length / seconds,
    cpu_seconds: cpuSeconds,
    emails_per_cpu_sec: samples.length / cpuSeconds,
    p50_us: pct(50),
    p90_us: pct(90),
    p99_us: pct(99),
    max_us: samples[samples.length - 1],
    dates_found_per_pass: sink / iterations,
  }),
);
