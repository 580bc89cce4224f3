// Test data for the e2e tests: the demo generator, extra calls appended like a real writer does,
// and the CLI's numbers for the same files.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from './harness.mjs';

export const PY = path.join(REPO, '.venv/bin/python');
const EMPATHY = path.join(REPO, '.venv/bin/empathy');

export function writeDemo(ws, { calls = 400, days = 7, seed = 7 } = {}) {
  execFileSync(EMPATHY, ['demo', '--dir', path.join(ws, '.empathy'), '--calls', String(calls), '--days', String(days), '--seed', String(seed)], {
    cwd: ws,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Naive local ISO timestamp, as the Empathy Framework writers produce it. */
export function naiveNow(offsetMs = 0) {
  const d = new Date(Date.now() + offsetMs);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

let seq = 0;
/** One llm_calls.jsonl record in the field order of the real writer (see FIELD.md). */
export function callRecord(overrides = {}) {
  seq += 1;
  return {
    call_id: `e2e-${process.pid}-${Date.now()}-${seq}`,
    timestamp: naiveNow(-1000),
    workflow_name: 'code-review',
    step_name: 'scan',
    user_id: 'e2e',
    session_id: 'e2e',
    task_type: 'analysis',
    provider: 'anthropic',
    tier: 'capable',
    model_id: 'claude-sonnet-4-5',
    input_tokens: 1200,
    output_tokens: 300,
    estimated_cost: 0.0081,
    actual_cost: null,
    latency_ms: 900,
    fallback_used: false,
    fallback_chain: [],
    original_provider: null,
    original_model: null,
    retry_count: 0,
    circuit_breaker_state: 'closed',
    success: true,
    error_type: null,
    error_message: null,
    metadata: {},
    ...overrides,
  };
}

/** A model no price book (catalogue, local providers) knows: its calls stay unpriced in every mode. */
export const UNKNOWN_MODEL = 'acme-mystery-9000-preview-finetune-for-e2e';

/** A call of UNKNOWN_MODEL the writer costed at 0 (it did not know the price either): unpriced, never $0. */
export function unpricedCall(overrides = {}) {
  return callRecord({ provider: 'acme', model_id: UNKNOWN_MODEL, estimated_cost: 0, input_tokens: 5000, output_tokens: 800, ...overrides });
}

/** Appends like the writer: open in append mode, one line, close. */
export function appendCall(ws, record) {
  fs.appendFileSync(path.join(ws, '.empathy', 'llm_calls.jsonl'), `${JSON.stringify(record)}\n`);
  return record;
}

export function cliTelemetry(ws, args = []) {
  const out = execFileSync(EMPATHY, ['telemetry', '--json', '--dir', path.join(ws, '.empathy'), ...args], {
    cwd: ws,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out);
}

/** Data rows of a CSV file (quoted newlines handled by Python's csv module). */
export function csvRows(file) {
  const n = execFileSync(PY, ['-c', 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))) - 1)', file], {
    encoding: 'utf8',
  });
  return Number(n.trim());
}

/** All call records in the workspace's JSONL, by call_id. */
export function callsById(ws) {
  const map = new Map();
  for (const line of fs.readFileSync(path.join(ws, '.empathy', 'llm_calls.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line);
      map.set(r.call_id, r);
    } catch {
      /* not ours to judge */
    }
  }
  return map;
}

/** `empathy budget --json` for the same folder: the CLI's BudgetsSection (the panel must agree). */
export function cliBudgets(ws) {
  const out = execFileSync(EMPATHY, ['budget', '--json', '--dir', path.join(ws, '.empathy')], { cwd: ws, encoding: 'utf8' });
  return JSON.parse(out);
}
