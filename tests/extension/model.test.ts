import { describe, expect, it, vi } from 'vitest';
import { TelemetryModel, todaysCost } from '../../extension/src/model';
import type { Snapshot } from '@protocol';

function snap(version: number, extra: Partial<Snapshot> = {}): Snapshot {
  return {
    version,
    window: { range: '7d', since: null, until: null, now: '2026-11-27T10:00:00+01:00', timezone: 'local' },
    overview: { calls: 3, total_cost: 1 } as Snapshot['overview'],
    previous: null,
    cost_series: [
      { date: '2026-11-26', cost: 0.5 } as Snapshot['cost_series'][number],
      { date: '2026-11-27', cost: 0.25 } as Snapshot['cost_series'][number],
    ],
    today_cost: 0.25,
    recent_calls: [],
    health: {} as Snapshot['health'],
    ...extra,
  };
}

describe('TelemetryModel', () => {
  it('requests the current view and keeps the answer', async () => {
    const source = { request: vi.fn().mockResolvedValue(snap(1)) };
    const m = new TelemetryModel(source, '30d');
    const seen = vi.fn();
    m.onSnapshot(seen);
    await m.setView({ range: 'today', filters: { provider: 'openai' } });
    expect(source.request).toHaveBeenCalledWith('empathy/snapshot', { range: 'today', filters: { provider: 'openai' } });
    expect(m.snapshot?.version).toBe(1);
    expect(seen).toHaveBeenCalledOnce();
  });

  it('applies a patch that follows its version', async () => {
    const source = { request: vi.fn().mockResolvedValue(snap(4)) };
    const m = new TelemetryModel(source, '7d');
    await m.refresh();
    const onUpdate = vi.fn();
    m.onUpdate(onUpdate);
    m.applyUpdate({ version: 5, baseVersion: 4, changed: { overview: { calls: 4 } as Snapshot['overview'] } });
    expect(m.snapshot?.version).toBe(5);
    expect(m.snapshot?.overview.calls).toBe(4);
    expect(m.snapshot?.cost_series).toHaveLength(2);
    expect(onUpdate).toHaveBeenCalledOnce();
    expect(source.request).toHaveBeenCalledTimes(1);
  });

  it('re-fetches when a patch does not follow', async () => {
    const source = { request: vi.fn().mockResolvedValueOnce(snap(4)).mockResolvedValueOnce(snap(9)) };
    const m = new TelemetryModel(source, '7d');
    await m.refresh();
    m.applyUpdate({ version: 8, baseVersion: 7, changed: {} });
    await vi.waitFor(() => expect(m.snapshot?.version).toBe(9));
  });

  it('a late answer for an old view does not win', async () => {
    let resolveFirst: (s: Snapshot) => void = () => undefined;
    const source = {
      request: vi
        .fn()
        .mockReturnValueOnce(new Promise<Snapshot>((r) => (resolveFirst = r)))
        .mockResolvedValueOnce(snap(2)),
    };
    const m = new TelemetryModel(source, '7d');
    const first = m.refresh();
    await m.setView({ range: 'all', filters: {} });
    resolveFirst(snap(1));
    await first;
    expect(m.snapshot?.version).toBe(2);
  });

  it('reports errors instead of throwing', async () => {
    const m = new TelemetryModel({ request: vi.fn().mockRejectedValue(new Error('down')) }, '7d');
    const onError = vi.fn();
    m.onError(onError);
    expect(await m.refresh()).toBeUndefined();
    expect(onError).toHaveBeenCalledWith('down');
  });
});

// Which day counts as today (and the 'today' range) is the sidecar's rule now, tested through the
// real sidecar in tests/python/sidecar/test_protocol_catalog.py.
describe('todaysCost', () => {
  it('is the sidecar\'s today_cost', () => {
    expect(todaysCost(snap(1))).toBe(0.25);
  });
});

describe('TelemetryModel alerts', () => {
  it('keeps the cached snapshot\'s alerts current so a replay shows them', async () => {
    const m = new TelemetryModel({ request: vi.fn().mockResolvedValue(snap(1, { alerts: null })) }, '7d');
    const alerts = { enabled: true, configPath: '/ws/.empathy/alerts.yaml', rules: [], errors: [], failingChannels: [] };
    m.applyAlerts(alerts);
    expect(m.snapshot).toBeUndefined();
    await m.refresh();
    m.applyAlerts(alerts);
    expect(m.snapshot?.alerts).toEqual(alerts);
  });
});
