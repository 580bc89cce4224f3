/**
 * Contract check against what the real sidecar sends: fixtures/sidecarSnapshot.json is a `7d`
 * snapshot answered by `empathy_monitor sidecar` over stdio on seeded demo data with one malformed
 * line and an alerts.yaml of two stdout rules, with `now` pinned (recent_calls trimmed to 5, paths
 * rewritten to /work/sample). `scripts/dev/capture_snapshot.py` regenerates it. It is checked with
 * the guards generated from protocol.py, so a drift of the sidecar's shapes fails here.
 */
import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import real from './fixtures/sidecarSnapshot.json';
import { isSnapshot, parseExtensionMessage } from '../../webview/src/protocol';
import { formatCost, formatCount } from '../../webview/src/format';
import { renderApp, send } from './support/harness';

describe('real sidecar snapshot', () => {
  it('passes validation', () => {
    expect(isSnapshot(real)).toBe(true);
    expect(parseExtensionMessage({ type: 'snapshot', snapshot: real })).not.toBeNull();
  });

  it('renders the sidecar numbers as they are', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: real });
    expect(screen.getByTestId('card-calls').textContent).toContain(formatCount(real.overview.calls));
    expect(screen.getByTestId('card-cost').textContent).toContain(formatCost(real.overview.total_cost));
    const first = document.querySelector(`tr[data-call-id="${real.recent_calls[0]!.call_id}"]`);
    expect(first).not.toBeNull();
    expect(screen.getByTestId('health-strip').textContent).toContain('llm_calls.jsonl');
    // Round 2: deltas and the alerts strip come straight from the sidecar.
    expect(real.deltas.calls.change).not.toBeNull();
    expect(screen.getByTestId('card-calls').querySelector('.card-delta')?.textContent).not.toBe('—');
    expect(screen.getByTestId('alerts-strip').textContent).toContain(real.alerts!.rules[0]!.name);
  });
});

describe('real sidecar snapshot: prices (issue 13)', () => {
  it('shows the sidecar’s cost mode and its writer-vs-list rows as sent', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: real });
    const mode = real.prices.cost_mode;
    const label = { auto: 'Auto', writer: 'Writer', list: 'List' }[mode];
    expect(screen.getByRole('button', { name: label }).getAttribute('aria-pressed')).toBe('true');
    const compared = real.prices.models.filter((m) => m.difference_pct !== null);
    expect(compared.length).toBeGreaterThan(0);
    const rows = screen.getByTestId('writer-vs-list').querySelectorAll('tbody tr');
    expect([...rows].map((r) => r.getAttribute('data-model'))).toEqual(compared.map((m) => m.model));
    expect(rows[0]!.textContent).toContain(formatCost(compared[0]!.writer_cost));
  });
});
