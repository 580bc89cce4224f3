/** A breakdown value whose calls nobody priced says so: never a bare "$0.00" (issue: cost you can trust). */
import { describe, expect, it } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import { fixtureSnapshot } from './support/fixtureSnapshot';
import { renderApp, send } from './support/harness';
import { formatPricedCost } from '../../webview/src/format';

const stats = (calls: number, cost: number, unpriced: number) => ({
  call_count: calls,
  total_tokens: 1000,
  total_cost: cost,
  error_count: 0,
  avg_latency_ms: 500,
  unpriced_calls: unpriced,
});

describe('unpriced calls in breakdowns', () => {
  it('formats all, some and none unpriced', () => {
    expect(formatPricedCost(0, 3, 3)).toBe('unpriced');
    expect(formatPricedCost(1.5, 4, 1)).toBe('$1.50 + 1 unpriced');
    expect(formatPricedCost(0, 2, 0)).toBe('$0.00');
    expect(formatPricedCost(0.004, 2, 0)).toBe('$0.0040');
  });

  it('the user and project cards and their tables show "unpriced" instead of $0.00', () => {
    renderApp();
    send({
      type: 'snapshot',
      snapshot: fixtureSnapshot({
        by_user: { alice: stats(10, 2.5, 2), bob: stats(4, 0, 4) },
        by_project: { shop: stats(14, 2.5, 6) },
      }),
    });
    const users = screen.getByRole('region', { name: 'Cost by user' });
    const items = within(users).getAllByRole('listitem').map((li) => li.textContent ?? '');
    expect(items[0]).toContain('$2.50 + 2 unpriced');
    expect(items[1]).toContain('unpriced');
    expect(items[1]).not.toContain('$0.00');
    fireEvent.click(within(users).getByRole('button', { name: 'Show all' }));
    const cells = [...within(users).getByRole('table').querySelectorAll('tbody tr')].map((tr) => tr.textContent ?? '');
    expect(cells[1]).toContain('unpriced');
    expect(cells[1]).not.toContain('$0.00');
    const project = screen.getByRole('region', { name: 'Cost by project' });
    expect(within(project).getByRole('listitem').textContent).toContain('$2.50 + 6 unpriced');
  });
});
