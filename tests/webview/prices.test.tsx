/**
 * Issue 13 in the panel: unpriced calls on the Total cost card with "Add a price", the cost-mode
 * toggle (this view only, marked when it differs from the workspace), the prices.yaml notice,
 * cache numbers and writer vs list — every number formatted from the snapshot, none computed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import type { ModelPrice, Overview, PricesInfo, Snapshot } from '../../webview/src/protocol';
import { initialState, reducer, restoreUiState, selectCostModes } from '../../webview/src/state/reducer';
import { FIXTURE_NOW, fixtureOverview, fixturePrices, fixtureSnapshot } from './support/fixtureSnapshot';
import { lastPosted, renderApp, send } from './support/harness';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(FIXTURE_NOW));
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const LONG_MODEL = 'accounts/acme/models/mystery-9000-preview-finetune-2026-11';

function modelPrice(overrides: Partial<ModelPrice> & { model: string }): ModelPrice {
  return {
    provider: 'openai',
    calls: 10,
    tokens: 10_000,
    source: 'catalog',
    priced_as: overrides.model,
    line: null,
    valid_from: null,
    rate: null,
    writer_cost: 1,
    list_cost: 1,
    difference_pct: 0,
    flagged: false,
    unpriced_calls: 0,
    note: null,
    ...overrides,
  };
}

function pricedSnapshot(overview: Partial<Overview> = {}, prices: Partial<PricesInfo> = {}): Snapshot {
  return fixtureSnapshot({
    overview: { ...fixtureOverview, ...overview },
    prices: { ...fixturePrices, ...prices },
  });
}

const UNPRICED: Partial<Overview> = {
  unpriced_calls: 7,
  unpriced_tokens: 41_000,
  unpriced_models: [
    { model: LONG_MODEL, provider: 'acme', calls: 4, tokens: 30_000 },
    { model: 'local-llama', provider: 'vllm-remote', calls: 1, tokens: 5_000 },
    { model: 'gw-alias', provider: 'gateway', calls: 1, tokens: 3_000 },
    { model: 'ft:gpt-x', provider: 'openai', calls: 1, tokens: 3_000 },
  ],
};

describe('Total cost card: unpriced calls', () => {
  it('says "+ N calls unpriced" and names the models, cut with an ellipsis and titled in full', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: pricedSnapshot(UNPRICED) });
    const card = screen.getByTestId('card-cost');
    expect(card.textContent).toContain('$12.35');
    const unpriced = within(card).getByTestId('unpriced');
    expect(unpriced.textContent).toContain('+ 7 calls unpriced');
    const cut = within(unpriced).getByTitle(`acme · ${LONG_MODEL}: 4 calls, 30,000 tokens`);
    expect(cut.textContent).toBe(`${LONG_MODEL.slice(0, 27)}…`);
    expect(unpriced.textContent).toContain('local-llama');
    expect(unpriced.textContent).toContain('gw-alias');
    // Three named, the rest counted.
    expect(unpriced.textContent).not.toContain('ft:gpt-x');
    expect(unpriced.textContent).toContain('+ 1 more model');
    expect(within(unpriced).getByText(/\+ 7 calls unpriced/).getAttribute('title')).toBe('41,000 tokens without a price: not in the total');
  });

  it('"Add a price" posts addPrice for that model (and its provider)', () => {
    const { vscode } = renderApp();
    send({ type: 'snapshot', snapshot: pricedSnapshot(UNPRICED) });
    fireEvent.click(screen.getByRole('button', { name: `Add a price for ${LONG_MODEL}` }));
    expect(lastPosted(vscode)).toEqual({ type: 'addPrice', model: LONG_MODEL, provider: 'acme' });
  });

  it('shows a model named with HTML as text', () => {
    renderApp();
    const name = '<img src=x onerror=alert(1)>';
    send({ type: 'snapshot', snapshot: pricedSnapshot({ unpriced_calls: 1, unpriced_tokens: 10, unpriced_models: [{ model: name, provider: 'x', calls: 1, tokens: 10 }] }) });
    expect(screen.getByTestId('unpriced').textContent).toContain(name);
    expect(document.querySelector('img')).toBeNull();
  });

  it('shows nothing extra when every call is priced', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: pricedSnapshot() });
    expect(screen.queryByTestId('unpriced')).toBeNull();
    expect(screen.queryByRole('button', { name: /Add a price/ })).toBeNull();
  });
});

describe('cache numbers', () => {
  it('formats the sidecar’s cache tokens, hit rate and savings on the cards', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: pricedSnapshot({ cache_read_tokens: 820_000, cache_write_tokens: 45_500, cache_hit_rate: 33.333, cache_savings: 2.214 }) });
    const tokens = screen.getByTestId('cache-tokens');
    expect(tokens.textContent).toBe('cache 820K read / 45.5K write · 33.3% hit');
    expect(tokens.getAttribute('title')).toContain('820,000 cache read · 45,500 cache write');
    expect(screen.getByTestId('cache-savings').textContent).toBe('cache saved $2.21');
  });

  it('leaves the cache lines out without cache tokens, and the hit rate out when the sidecar has none', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: pricedSnapshot() });
    expect(screen.queryByTestId('cache-tokens')).toBeNull();
    expect(screen.queryByTestId('cache-savings')).toBeNull();
    send({ type: 'snapshot', snapshot: pricedSnapshot({ cache_read_tokens: 0, cache_write_tokens: 1000, cache_hit_rate: null }) });
    expect(screen.getByTestId('cache-tokens').textContent).toBe('cache 0 read / 1K write');
  });
});

describe('subscription plans', () => {
  it('shows the plan calls’ list-price equivalent apart from the total, and nothing without such calls', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: pricedSnapshot({ total_cost: 1, subscription_calls: 3, subscription_value: 0.2545 }) });
    const sub = screen.getByTestId('subscription-value');
    expect(sub.textContent).toBe('+ $0.25 list-price equivalent (subscription)');
    expect(sub.getAttribute('title')).toContain('3 calls of sources on a subscription plan');
    send({ type: 'snapshot', snapshot: pricedSnapshot() });
    expect(screen.queryByTestId('subscription-value')).toBeNull();
  });
});

describe('cost-mode toggle', () => {
  it('shows the view’s mode; picking one posts setView with it, kept in webview state', () => {
    const { vscode } = renderApp({ range: '30d', filters: { tier: 'cheap' }, tables: {} });
    send({ type: 'snapshot', snapshot: pricedSnapshot({}, { cost_mode: 'auto', workspace_cost_mode: 'auto' }) });
    const group = screen.getByRole('group', { name: 'Cost mode' });
    expect(within(group).getByRole('button', { name: 'Auto' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.queryByTestId('cost-mode-mark')).toBeNull();
    expect(screen.queryByTestId('cost-mode-note')).toBeNull();
    fireEvent.click(within(group).getByRole('button', { name: 'List' }));
    expect(lastPosted(vscode)).toEqual({ type: 'setView', range: '7d', filters: { tier: 'cheap' }, costMode: 'list' });
    expect(vscode.state).toMatchObject({ costMode: 'list' });
    // The range keeps the view's mode.
    fireEvent.click(screen.getByRole('button', { name: '30d' }));
    expect(lastPosted(vscode)).toEqual({ type: 'setView', range: '30d', filters: { tier: 'cheap' }, costMode: 'list' });
  });

  it('marks a view whose mode differs from the workspace’s, and changes the Total cost card with the snapshot', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: pricedSnapshot({ total_cost: 12.3456 }, { cost_mode: 'auto', workspace_cost_mode: 'auto' }) });
    send({ type: 'snapshot', snapshot: pricedSnapshot({ total_cost: 30.5 }, { cost_mode: 'list', workspace_cost_mode: 'auto' }) });
    expect(screen.getByRole('button', { name: 'List' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('cost-mode-mark').textContent).toBe('this view only · workspace: auto');
    expect(screen.getByTestId('card-cost').textContent).toContain('$30.50');
    expect(screen.getByTestId('card-cost').querySelector('.card-label')?.textContent).toBe('Total cost · list price');
  });

  it('choosing the workspace’s mode follows the workspace again (no costMode sent)', () => {
    const { vscode } = renderApp({ range: '7d', filters: {}, tables: {}, costMode: 'writer' });
    send({ type: 'snapshot', snapshot: pricedSnapshot({}, { cost_mode: 'writer', workspace_cost_mode: 'list' }) });
    fireEvent.click(screen.getByRole('button', { name: 'List' }));
    expect(lastPosted(vscode)).toEqual({ type: 'setView', range: '7d', filters: {} });
    expect(vscode.state).not.toHaveProperty('costMode');
  });
});

describe('prices.yaml notice', () => {
  it('says how many models prices.yaml overrides, and lists its bad entries as text', () => {
    renderApp();
    send({
      type: 'snapshot',
      snapshot: pricedSnapshot({}, { overrides: 2, prices_file: '/work/sample/.empathy/prices.yaml', errors: ['prices.yaml:7: input must be a number'] }),
    });
    const notice = screen.getByTestId('prices-notice');
    expect(notice.textContent).toContain('prices.yaml overrides 2 models');
    expect(notice.textContent).toContain('prices.yaml:7: input must be a number');
  });

  it('is absent without overrides or errors', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: pricedSnapshot() });
    expect(screen.queryByTestId('prices-notice')).toBeNull();
  });
});

describe('writer vs list price', () => {
  it('lists models with both sums, flags the ones the sidecar flags, as sent', () => {
    renderApp();
    send({
      type: 'snapshot',
      snapshot: pricedSnapshot({}, {
        models: [
          modelPrice({ model: 'gpt-4o', writer_cost: 20, list_cost: 10, difference_pct: 100, flagged: true, valid_from: '2026-10-01' }),
          modelPrice({ model: 'claude-sonnet-4-5', provider: 'anthropic', writer_cost: 7.5, list_cost: 7.2, difference_pct: 4.1667 }),
          modelPrice({ model: 'gpt-4o-mini', writer_cost: 1, list_cost: 1.5, difference_pct: -33.3333, flagged: true }),
          modelPrice({ model: 'mystery', writer_cost: 0, list_cost: null, difference_pct: null, source: 'unpriced' }),
        ],
      }),
    });
    const table = within(screen.getByTestId('writer-vs-list')).getByRole('table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-model'))).toEqual(['gpt-4o', 'claude-sonnet-4-5', 'gpt-4o-mini']);
    expect(rows[0]!.textContent).toBe('gpt-4odiffers$20.00$10.00+100.0%');
    expect(rows[1]!.textContent).toBe('claude-sonnet-4-5$7.50$7.20+4.2%');
    expect(rows[2]!.textContent).toBe('gpt-4o-minidiffers$1.00$1.50−33.3%');
    expect(rows[0]!.className).toBe('flagged');
    expect(within(rows[0]!).getByTitle('openai · gpt-4o · list price since 2026-10-01')).toBeTruthy();
  });

  it("says the sidecar's note for each flagged model under the table and on its badge", () => {
    renderApp();
    const note = 'your writer prices gpt-4o 2.0× the list price since 2026-10-01';
    send({
      type: 'snapshot',
      snapshot: pricedSnapshot({}, {
        models: [
          modelPrice({ model: 'gpt-4o', writer_cost: 20, list_cost: 10, difference_pct: 100, flagged: true, note }),
          modelPrice({ model: 'gpt-4.1', writer_cost: 1, list_cost: 1, difference_pct: 0 }),
        ],
      }),
    });
    const box = screen.getByTestId('writer-vs-list');
    expect(within(box).getByTestId('price-notes').textContent).toBe(note);
    expect(within(box).getByText('differs').getAttribute('title')).toBe(note);
  });

  it('is absent when no model has both sums', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: pricedSnapshot() });
    expect(screen.queryByTestId('writer-vs-list')).toBeNull();
  });
});

describe('reducer: cost mode', () => {
  it('setCostMode sets and clears the view’s own mode', () => {
    let s = reducer(initialState(), { type: 'setCostMode', mode: 'writer' });
    expect(s.ui.costMode).toBe('writer');
    s = reducer(s, { type: 'setCostMode', mode: null });
    expect(s.ui).not.toHaveProperty('costMode');
  });

  it('uiState from the extension carries the mode, or clears it', () => {
    let s = reducer(initialState(), { type: 'uiState', range: '7d', filters: {}, costMode: 'list' });
    expect(s.ui.costMode).toBe('list');
    s = reducer(s, { type: 'uiState', range: '7d', filters: {} });
    expect(s.ui).not.toHaveProperty('costMode');
  });

  it('restoreUiState keeps a known mode and drops junk', () => {
    expect(restoreUiState({ range: '7d', filters: {}, tables: {}, costMode: 'writer' }).costMode).toBe('writer');
    expect(restoreUiState({ range: '7d', filters: {}, tables: {}, costMode: 'cheapest' })).not.toHaveProperty('costMode');
  });

  it('selectCostModes reads both modes from the snapshot, null before one', () => {
    expect(selectCostModes(initialState())).toBeNull();
    const s = reducer(initialState(), { type: 'snapshot', snapshot: pricedSnapshot({}, { cost_mode: 'list', workspace_cost_mode: 'writer' }) });
    expect(selectCostModes(s)).toEqual({ view: 'list', workspace: 'writer' });
  });
});
