/**
 * The activity feed's cost column: the sidecar's cost in the view's mode, titled with its source;
 * an unpriced call shows an "unpriced" badge, never "$0.00" (issue 13).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import { FIXTURE_NOW, callRow, fixtureSnapshot } from './support/fixtureSnapshot';
import { renderApp, send } from './support/harness';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(FIXTURE_NOW));
});
afterEach(() => {
  vi.useRealTimers();
});

const ROWS = [
  callRow({ call_id: 'agent-1', provider: 'acme', model_id: 'mystery-1', cost: null, cost_source: 'unpriced' }),
  callRow({ call_id: 'agent-2', model_id: 'claude-sonnet-4-5-20250929', cost: 0.0156, cost_source: 'list' }),
  callRow({ call_id: 'local-1', provider: 'ollama', model_id: 'llama3.1:8b', cost: 0, cost_source: 'free' }),
];

function costCell(callId: string): HTMLElement {
  const row = document.querySelector<HTMLElement>(`tr[data-call-id="${callId}"]`);
  expect(row).not.toBeNull();
  return row!.querySelectorAll<HTMLElement>('td')[5]!;
}

describe('activity feed: per-call cost', () => {
  it('shows an unpriced call as a badge, never $0.00, and titles every cost with its source', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ recent_calls: ROWS }) });
    const unpriced = costCell('agent-1');
    expect(within(unpriced).getByTestId('call-unpriced').textContent).toBe('unpriced');
    expect(unpriced.textContent).not.toContain('$');
    expect(unpriced.getAttribute('title')).toContain('No price for this model');
    const listed = costCell('agent-2');
    expect(listed.textContent).toBe('$0.0156');
    expect(listed.getAttribute('title')).toBe('List price (from the price book or prices.yaml)');
    const free = costCell('local-1');
    expect(free.textContent).toBe('$0.0000');
    expect(free.getAttribute('title')).toContain('Free');
    expect(screen.getAllByTestId('call-unpriced')).toHaveLength(1);
  });

  it('leaves a row without a source (an older sidecar) as its number, untitled', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ recent_calls: [callRow({ call_id: 'old', cost: 0.5, cost_source: null })] }) });
    const cell = costCell('old');
    expect(cell.textContent).toBe('$0.5000');
    expect(cell.getAttribute('title')).toBeNull();
  });
});
