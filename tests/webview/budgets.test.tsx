/** Issue 15 in the panel: the budget strip, "Set budget…", live budget pushes, anomaly markers on the cost chart. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import { Chart as ChartJS, type TooltipItem } from 'chart.js';
import { FIXTURE_NOW, fixtureSnapshot } from './support/fixtureSnapshot';
import { dayBudget, fixtureBudgets, monthBudget, noBudgets } from './support/fixtureBudgets';
import { lastPosted, renderApp, send } from './support/harness';
import { ANOMALY_LABEL } from '../../webview/src/charts/Charts';
import { parseExtensionMessage } from '../../webview/src/protocol';
import { initialState, reducer, selectBudgets } from '../../webview/src/state/reducer';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(FIXTURE_NOW));
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const strip = () => screen.getByTestId('budget-strip');
const row = (name: string) => strip().querySelector(`li[data-budget="${name}"]`) as HTMLElement;
const costCanvas = () => within(screen.getByRole('region', { name: 'Cost over time' })).getByRole('img') as HTMLCanvasElement;

describe('budget strip', () => {
  it('shows each budget with the sidecar sentences, bar positions and level ticks, under the cards', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ budgets: fixtureBudgets() }) });
    // Under the cards, above the alerts strip.
    const cards = screen.getByTestId('card-calls');
    expect(cards.compareDocumentPosition(strip()) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(strip().compareDocumentPosition(screen.getByTestId('alerts-strip')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();

    const month = row('monthly');
    expect(month.textContent).toContain('$12.35 of $20.00 this month');
    expect(month.textContent).toContain('runs out Nov 29 at this rate');
    expect(month.textContent).toContain("projected $24.10 by the period's end (80%: $19.20–$31.50)");
    expect(month.textContent).toContain('$0.42/h last hour · $5.05 last 24 h · $4.12/day over 7 d');
    expect(month.textContent).toContain('+ 3 unpriced calls not included');
    expect(month.querySelector('.badge')?.textContent).toBe('50% reached');
    expect(month.className).toContain('budget-warning');

    // Positions are the sidecar's fractions, placed as percentages (nothing derived from amounts).
    expect(within(month).getByTestId('budget-spent').getAttribute('width')).toBe(`${monthBudget.spent_pos * 100}%`);
    const projection = within(month).getByTestId('budget-projection');
    expect(projection.getAttribute('x1')).toBe(`${monthBudget.projected_pos * 100}%`);
    const interval = within(month).getByTestId('budget-interval');
    expect(interval.getAttribute('x1')).toBe(`${monthBudget.low_pos * 100}%`);
    expect(interval.getAttribute('x2')).toBe(`${monthBudget.high_pos * 100}%`);
    const ticks = Array.from(month.querySelectorAll('line.budget-level'));
    expect(ticks.map((t) => [t.getAttribute('data-level'), t.getAttribute('data-fired'), t.getAttribute('x1')])).toEqual(
      monthBudget.levels.map((lv) => [String(lv.percent), String(lv.fired), `${lv.position * 100}%`]),
    );
    expect(ticks[0]!.classList.contains('budget-level-fired')).toBe(true);

    const day = row('reviews');
    expect(day.textContent).toContain('workflow: code-review');
    expect(day.textContent).toContain('on track: ~$6.20 of $10.00');
    expect(day.querySelector('.budget-unpriced')).toBeNull();
    expect(day.querySelector('.badge')).toBeNull();
  });

  it('offers "Set budget…" when none exists and posts setBudget', () => {
    const { vscode } = renderApp();
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ budgets: noBudgets() }) });
    expect(strip().textContent).toContain('No budget set.');
    fireEvent.click(within(strip()).getByRole('button', { name: 'Set budget…' }));
    expect(lastPosted(vscode)).toEqual({ type: 'setBudget' });
  });

  it('shows budgets.yaml problems as text, and nothing when evaluation failed (budgets: null)', () => {
    const { unmount } = renderApp();
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ budgets: fixtureBudgets({ budgets: [], errors: ['budgets.yaml:4: <amount> must be > 0'] }) }) });
    expect(strip().textContent).toContain('No budgets in budgets.yaml.');
    expect(strip().textContent).toContain('budgets.yaml:4: <amount> must be > 0');
    expect(strip().querySelector('amount')).toBeNull();
    unmount();
    renderApp();
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ budgets: null }) });
    expect(screen.queryByTestId('budget-strip')).toBeNull();
  });

  it('updates live from a didChangeBudgets push and from budgets in a didUpdate', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ budgets: noBudgets() }) });
    send({ type: 'budgets', budgets: fixtureBudgets({ budgets: [dayBudget] }) });
    expect(row('reviews').textContent).toContain('$3.00 of $10.00 today');
    expect(row('monthly')).toBeNull();

    const reached = { ...dayBudget, headline: '$8.10 of $10.00 today', state: 'warning', levels: dayBudget.levels.map((lv) => ({ ...lv, fired: lv.percent <= 80 })) };
    send({ type: 'update', update: { version: 13, baseVersion: 12, changed: { budgets: fixtureBudgets({ budgets: [reached] }) } } });
    expect(row('reviews').textContent).toContain('$8.10 of $10.00 today');
    expect(row('reviews').querySelector('.badge')?.textContent).toBe('50%, 80% reached');
    const fired = Array.from(row('reviews').querySelectorAll('line.budget-level')).map((t) => t.getAttribute('data-fired'));
    expect(fired).toEqual(['true', 'true', 'false']);
  });

  it('a malformed budgets push is dropped by the guard', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const bad = { type: 'budgets', budgets: { ...fixtureBudgets(), budgets: [{ ...monthBudget, spent_pos: 'half' }] } };
    expect(parseExtensionMessage(bad)).toBeNull();
    expect(parseExtensionMessage({ type: 'budgets', budgets: fixtureBudgets() })).not.toBeNull();
  });
});

describe('reducer: budgets', () => {
  it('a push wins over the snapshot until the next snapshot', () => {
    let s = reducer(initialState(), { type: 'snapshot', snapshot: fixtureSnapshot({ budgets: noBudgets() }) });
    expect(selectBudgets(s)?.exists).toBe(false);
    s = reducer(s, { type: 'budgets', budgets: fixtureBudgets() });
    expect(selectBudgets(s)?.budgets.map((b) => b.name)).toEqual(['monthly', 'reviews']);
    s = reducer(s, { type: 'snapshot', snapshot: fixtureSnapshot({ budgets: noBudgets(), version: 20 }) });
    expect(selectBudgets(s)?.budgets).toEqual([]);
  });
});

describe('anomaly markers on the cost chart', () => {
  it('marks the days the sidecar names, with its sentences as the tooltip, updated in place', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ budgets: fixtureBudgets() }) });
    const canvas = costCanvas();
    const chart = ChartJS.getChart(canvas)!;
    const markers = chart.data.datasets[1]!;
    expect(markers.label).toBe(ANOMALY_LABEL);
    // The marker sits on that day's cost point (2026-11-26 is the second day of the fixture series).
    expect(markers.data).toEqual([null, 4.1, null]);
    const label = chart.options.plugins!.tooltip!.callbacks!.label as (ctx: TooltipItem<'line'>) => string | string[];
    const ctx = { dataset: markers, dataIndex: 1, parsed: { x: 1, y: 4.1 } } as unknown as TooltipItem<'line'>;
    expect(label(ctx)).toEqual(['code-review: $2.10 on Nov 26, 4.2× its usual', '<b>google</b>: $1.50 on Nov 26, 7.5× its usual']);
    expect(label({ dataset: chart.data.datasets[0], dataIndex: 1, parsed: { x: 1, y: 4.1 } } as unknown as TooltipItem<'line'>)).toBe('Cost: $4.10');
    expect(canvas.getAttribute('aria-label')).toContain('2 unusual day markers');

    // A new marker arrives with a push: same Chart, data replaced in place.
    const later = fixtureBudgets({
      anomalies: [{ kind: 'workflow', key: 'doc-gen', date: '2026-11-27', cost: 3, median: 0.4, ratio: 7.5, score: 9, text: 'doc-gen: $3.00 on Nov 27, 7.5× its usual' }],
    });
    send({ type: 'budgets', budgets: later });
    expect(costCanvas()).toBe(canvas);
    expect(ChartJS.getChart(canvas)).toBe(chart);
    expect(chart.data.datasets[1]!.data).toEqual([null, null, 5.0456]);
  });

  it('lists the markers as plain text in the chart table', () => {
    renderApp({ range: '7d', filters: {}, tables: { 'cost-over-time': true } });
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ budgets: fixtureBudgets() }) });
    const table = screen.getByRole('table', { name: 'Cost per day' });
    const cells = within(table).getAllByRole('row').map((r) => r.lastElementChild?.textContent);
    expect(cells).toContain('code-review: $2.10 on Nov 26, 4.2× its usual; <b>google</b>: $1.50 on Nov 26, 7.5× its usual');
    expect(table.querySelector('b')).toBeNull();
  });
});
