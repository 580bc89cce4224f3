import { afterEach, describe, expect, it, vi } from 'vitest';
import { isExtensionMessage, isSnapshot, isSnapshotUpdate, parseExtensionMessage } from '../../webview/src/protocol';
import { callRow, emptySnapshot, fixtureHealth, fixtureSnapshot } from './support/fixtureSnapshot';

afterEach(() => vi.restoreAllMocks());

const clone = <T,>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('isSnapshot', () => {
  it('accepts the fixture (also after a JSON round trip) and the empty snapshot', () => {
    expect(isSnapshot(fixtureSnapshot())).toBe(true);
    expect(isSnapshot(clone(fixtureSnapshot()))).toBe(true);
    expect(isSnapshot(emptySnapshot())).toBe(true);
  });

  it('accepts hourly error buckets and unknown extra keys', () => {
    const s = clone(fixtureSnapshot()) as unknown as Record<string, unknown>;
    (s.errors as Record<string, unknown>).by_hour = [{ hour: '2026-11-27T10:00:00+00:00', calls: 3, errors: 0, error_rate: 0 }];
    s.future_section = { anything: true };
    expect(isSnapshot(s)).toBe(true);
  });

  it.each([
    ['missing version', (s: Record<string, any>) => delete s.version],
    ['string cost', (s: Record<string, any>) => (s.overview.total_cost = '1.23')],
    ['NaN calls', (s: Record<string, any>) => (s.overview.calls = Number.NaN)],
    ['bad range', (s: Record<string, any>) => (s.window.range = '90d')],
    ['bad breaker state', (s: Record<string, any>) => (s.circuit_breakers.openai.state = 'broken')],
    ['missing deltas', (s: Record<string, any>) => delete s.deltas],
    ['delta percent as string', (s: Record<string, any>) => (s.deltas.calls.percent = '23%')],
    ['unknown alert state', (s: Record<string, any>) => (s.alerts.rules[0].state = 'exploded')],
    ['alert threshold null', (s: Record<string, any>) => (s.alerts.rules[0].threshold = null)],
    ['call row without id', (s: Record<string, any>) => delete s.recent_calls[0].call_id],
    ['recent_calls not an array', (s: Record<string, any>) => (s.recent_calls = {})],
    ['problem line as string', (s: Record<string, any>) => (s.health.files[0].problems[0].line = '7')],
    ['top workflow bad source', (s: Record<string, any>) => (s.top_workflows[0].source = 'guess')],
    ['previous is a string', (s: Record<string, any>) => (s.previous = 'none')],
  ])('rejects %s', (_name, mutate) => {
    const s = clone(fixtureSnapshot()) as unknown as Record<string, any>;
    mutate(s);
    expect(isSnapshot(s)).toBe(false);
  });
});

describe('isSnapshotUpdate', () => {
  it('accepts valid sections and unknown sections', () => {
    expect(isSnapshotUpdate({ version: 2, baseVersion: 1, changed: { recent_calls: [callRow({ call_id: 'a' })], extra: 1 } })).toBe(true);
  });
  it('rejects invalid known sections and missing versions', () => {
    expect(isSnapshotUpdate({ version: 2, baseVersion: 1, changed: { overview: { calls: 'x' } } })).toBe(false);
    expect(isSnapshotUpdate({ version: 2, changed: {} })).toBe(false);
    expect(isSnapshotUpdate({ version: 2, baseVersion: 1, changed: [] })).toBe(false);
  });
});

describe('parseExtensionMessage', () => {
  const valid: unknown[] = [
    { type: 'snapshot', snapshot: fixtureSnapshot() },
    { type: 'update', update: { version: 2, baseVersion: 1, changed: {} } },
    { type: 'activityPage', rows: [callRow({ call_id: 'a' })], total: 1, offset: 0 },
    { type: 'status', state: 'reconnecting' },
    { type: 'status', state: 'error', message: 'boom' },
    { type: 'health', health: fixtureHealth },
    { type: 'exported', path: '/tmp/a.csv', rows: 3 },
    { type: 'notice', level: 'info', message: 'hi' },
    { type: 'uiState', range: 'today', filters: { provider: 'openai' } },
  ];
  it.each(valid.map((m) => [(m as { type: string }).type, m]))('accepts %s', (_t, message) => {
    expect(parseExtensionMessage(message)).toBe(message);
  });

  const invalid: [string, unknown][] = [
    ['null', null],
    ['a string', 'snapshot'],
    ['an array', [{ type: 'status' }]],
    ['unknown type', { type: 'explode' }],
    ['prototype key as type', { type: 'toString' }],
    ['status with bad state', { type: 'status', state: 'sleeping' }],
    ['status with numeric message', { type: 'status', state: 'error', message: 3 }],
    ['activityPage without total', { type: 'activityPage', rows: [], offset: 0 }],
    ['notice with bad level', { type: 'notice', level: 'warn', message: 'x' }],
    ['uiState with bad filters', { type: 'uiState', range: '7d', filters: { provider: 1 } }],
    ['snapshot missing sections', { type: 'snapshot', snapshot: { version: 1 } }],
  ];
  it.each(invalid)('ignores %s with a warning', (_name, message) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(parseExtensionMessage(message)).toBeNull();
    expect(isExtensionMessage(message)).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe('warnings say where a message broke', () => {
  it('names the failing field path', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const s = clone(fixtureSnapshot()) as unknown as Record<string, any>;
    s.recent_calls[2].latency_ms = 'slow';
    parseExtensionMessage({ type: 'snapshot', snapshot: s });
    expect(warn.mock.calls[0]![0]).toContain('at: snapshot.recent_calls.2.latency_ms');
    parseExtensionMessage({ type: 'update', update: { version: 2, baseVersion: 1, changed: { by_tier: { cheap: { count: 'x' } } } } });
    expect(warn.mock.calls[1]![0]).toContain('at: update.changed.by_tier.cheap.count');
  });

  it('accepts the sidecar variants: null cost, null task_type, null filters, breakers as {state, updated_at, last_opened_at}, no alerts', () => {
    const s = clone(fixtureSnapshot()) as unknown as Record<string, any>;
    s.recent_calls[0].cost = null;
    s.recent_calls[0].task_type = null;
    s.circuit_breakers.anthropic = { state: 'closed', updated_at: '2026-11-27T00:00:00+00:00', last_opened_at: null };
    s.alerts = null;
    expect(isSnapshot(s)).toBe(true);
    expect(parseExtensionMessage({ type: 'uiState', range: '7d', filters: { provider: null } })).not.toBeNull();
  });
});
