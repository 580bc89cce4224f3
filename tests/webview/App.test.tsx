import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import { FIXTURE_NOW, XSS_NAME, callRow, emptySnapshot, fixtureSnapshot, noDeltas } from './support/fixtureSnapshot';
import { lastPosted, renderApp, send } from './support/harness';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(FIXTURE_NOW));
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function renderWithSnapshot(initialState?: unknown) {
  const result = renderApp(initialState);
  send({ type: 'snapshot', snapshot: fixtureSnapshot() });
  return result;
}

const feed = () => screen.getByRole('table', { name: 'Activity feed' });
const feedRow = (callId: string) => feed().querySelector(`tr[data-call-id="${callId}"]`) as HTMLTableRowElement;

describe('before the first snapshot', () => {
  it('posts ready and shows loading skeletons, no banner', () => {
    const { vscode } = renderApp();
    expect(vscode.posted).toEqual([{ type: 'ready' }]);
    expect(screen.getByLabelText('Loading telemetry').getAttribute('aria-busy')).toBe('true');
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('shows the error state when the sidecar fails', () => {
    renderApp();
    send({ type: 'status', state: 'error', message: 'Python 3.8 is too old; need 3.10+' });
    expect(screen.getByRole('heading', { name: 'Telemetry is unavailable' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toContain('The telemetry sidecar stopped.');
    expect(screen.getAllByText(/Python 3.8 is too old/).length).toBeGreaterThan(0);
  });

  it('ignores malformed messages with a warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    renderApp();
    send({ type: 'snapshot', snapshot: { version: 'x' } });
    send({ type: 'bogus' });
    expect(warn).toHaveBeenCalledTimes(2);
    expect(screen.getByLabelText('Loading telemetry')).toBeTruthy();
  });
});

describe('overview', () => {
  it('formats the cards and deltas against the previous period', () => {
    renderWithSnapshot();
    const calls = screen.getByTestId('card-calls');
    expect(calls.textContent).toContain('1,234');
    expect(calls.textContent).toContain('+23.4% vs prev');
    expect(screen.getByTestId('card-cost').textContent).toContain('$12.35');
    expect(screen.getByTestId('card-success').textContent).toContain('97.5%');
    expect(screen.getByTestId('card-success').textContent).toContain('+1.5 pp');
    expect(screen.getByTestId('card-latency').textContent).toContain('812 ms');
    expect(screen.getByTestId('card-tokens').textContent).toContain('1.5M / 402.1K');
    expect(screen.getByTestId('card-workflows').textContent).toContain('6');
  });

  it('shows a dash when there is no previous period', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ previous: null, deltas: noDeltas, window: { ...fixtureSnapshot().window, range: 'all' } }) });
    expect(screen.getByTestId('card-cost').textContent).toContain('—');
    expect(screen.getByRole('button', { name: 'All' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('range buttons post setView with the current filters', () => {
    const { vscode } = renderWithSnapshot({ range: '7d', filters: { tier: 'cheap' }, tables: {} });
    expect(screen.getByRole('button', { name: '7d' }).getAttribute('aria-pressed')).toBe('true');
    for (const name of ['Today', '30d', 'All']) screen.getByRole('button', { name });
    fireEvent.click(screen.getByRole('button', { name: '30d' }));
    expect(lastPosted(vscode)).toEqual({ type: 'setView', range: '30d', filters: { tier: 'cheap' } });
    expect(screen.getByRole('button', { name: '30d' }).getAttribute('aria-pressed')).toBe('true');
    expect(vscode.state).toMatchObject({ range: '30d', filters: { tier: 'cheap' } });
  });

  it('Export CSV posts exportCsv and the result shows as a notice', () => {
    const { vscode } = renderWithSnapshot();
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(lastPosted(vscode)).toEqual({ type: 'exportCsv' });
    send({ type: 'exported', path: '/work/sample/telemetry.csv', rows: 1234 });
    expect(screen.getByRole('status').textContent).toContain('Exported 1,234 rows to /work/sample/telemetry.csv');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('status')).toBeNull();
  });
});

describe('security', () => {
  it('renders an HTML workflow name as literal text everywhere', () => {
    const { container } = renderWithSnapshot();
    expect(container.querySelector('img')).toBeNull();
    expect(within(feed()).getByText(XSS_NAME)).toBeTruthy();
    expect(screen.getAllByText(XSS_NAME).length).toBeGreaterThanOrEqual(2);
  });
});

describe('activity feed', () => {
  it('lists recent calls with formatted fields', () => {
    renderWithSnapshot();
    const rows = within(feed()).getAllByRole('row').filter((r) => r.hasAttribute('data-call-id'));
    expect(rows.map((r) => r.getAttribute('data-call-id'))).toEqual(['c-001', 'c-002', 'c-003', 'c-004']);
    const first = feedRow('c-001');
    expect(first.textContent).toContain('2m ago');
    expect(first.textContent).toContain('claude-sonnet-4-5');
    expect(first.textContent).toContain('$0.0123');
    expect(first.textContent).toContain('812 ms');
    expect(feedRow('c-003').textContent).toContain('rate_limit');
    expect(feedRow('c-003').textContent).toContain('2 retries');
    expect(feedRow('c-004').textContent).toContain('—');
  });

  it('click and Enter on a row post openSource', () => {
    const { vscode } = renderWithSnapshot();
    fireEvent.click(feedRow('c-001'));
    expect(lastPosted(vscode)).toEqual({ type: 'openSource', workflowName: 'code-review', stepName: 'analyze', callId: 'c-001' });
    const row = feedRow('c-002');
    expect(row.tabIndex).toBe(0);
    fireEvent.keyDown(row, { key: 'Enter' });
    expect(lastPosted(vscode)).toEqual({ type: 'openSource', workflowName: XSS_NAME, callId: 'c-002' });
    fireEvent.keyDown(feedRow('c-004'), { key: ' ' });
    // No workflow: workflowName is left out and the sidecar resolves the call by its id.
    expect(lastPosted(vscode)).toEqual({ type: 'openSource', callId: 'c-004' });
    const count = vscode.posted.length;
    fireEvent.keyDown(row, { key: 'a' });
    expect(vscode.posted.length).toBe(count);
  });

  it('filters post setView and persist in UI state', () => {
    const { vscode } = renderWithSnapshot();
    const provider = screen.getByLabelText('Provider') as HTMLSelectElement;
    expect(Array.from(provider.options).map((o) => o.value)).toEqual(['', 'anthropic', 'google', 'openai']);
    fireEvent.change(provider, { target: { value: 'openai' } });
    expect(lastPosted(vscode)).toEqual({ type: 'setView', range: '7d', filters: { provider: 'openai' } });
    fireEvent.change(screen.getByLabelText('Tier'), { target: { value: 'cheap' } });
    expect(lastPosted(vscode)).toEqual({ type: 'setView', range: '7d', filters: { provider: 'openai', tier: 'cheap' } });
    fireEvent.change(screen.getByLabelText('Workflow'), { target: { value: 'doc-gen' } });
    fireEvent.change(screen.getByLabelText('Provider'), { target: { value: '' } });
    expect(lastPosted(vscode)).toEqual({ type: 'setView', range: '7d', filters: { tier: 'cheap', workflow: 'doc-gen' } });
    expect(vscode.state).toEqual({ range: '7d', filters: { tier: 'cheap', workflow: 'doc-gen' }, tables: {} });
  });

  it('keeps earlier filter choices after a narrowed snapshot', () => {
    renderWithSnapshot();
    fireEvent.change(screen.getByLabelText('Provider'), { target: { value: 'openai' } });
    const narrowed = fixtureSnapshot({ version: 13, by_provider: { openai: fixtureSnapshot().by_provider.openai! }, recent_calls: [] });
    send({ type: 'snapshot', snapshot: narrowed });
    const options = Array.from((screen.getByLabelText('Provider') as HTMLSelectElement).options).map((o) => o.value);
    expect(options).toEqual(['', 'anthropic', 'google', 'openai']);
    expect((screen.getByLabelText('Provider') as HTMLSelectElement).value).toBe('openai');
    expect(within(feed()).getByText('No calls match these filters.')).toBeTruthy();
  });

  it('Load more posts loadMore and appends the page', () => {
    const { vscode } = renderWithSnapshot();
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(lastPosted(vscode)).toEqual({ type: 'loadMore', offset: 4, limit: 20, filters: {} });
    expect((screen.getByRole('button', { name: 'Load more' }) as HTMLButtonElement).disabled).toBe(true);
    send({ type: 'activityPage', rows: [callRow({ call_id: 'c-005', workflow_name: 'older' })], total: 6, offset: 4 });
    expect(feedRow('c-005').textContent).toContain('older');
    expect((screen.getByRole('button', { name: 'Load more' }) as HTMLButtonElement).disabled).toBe(false);
    send({ type: 'activityPage', rows: [callRow({ call_id: 'c-006' })], total: 6, offset: 5 });
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });
});

describe('live updates', () => {
  it('applies an update with the matching baseVersion', () => {
    const { vscode } = renderWithSnapshot();
    const overview = { ...fixtureSnapshot().overview, calls: 1235, total_cost: 12.5 };
    const recent_calls = [callRow({ call_id: 'c-new', workflow_name: 'fresh' }), ...fixtureSnapshot().recent_calls];
    send({ type: 'update', update: { version: 13, baseVersion: 12, changed: { overview, recent_calls } } });
    expect(screen.getByTestId('card-calls').textContent).toContain('1,235');
    expect(screen.getByTestId('card-cost').textContent).toContain('$12.50');
    expect(feedRow('c-new').textContent).toContain('fresh');
    expect(vscode.posted.some((m) => m.type === 'refresh')).toBe(false);
  });

  it('posts refresh for an update with the wrong baseVersion, once', () => {
    const { vscode } = renderWithSnapshot();
    send({ type: 'update', update: { version: 20, baseVersion: 19, changed: { overview: { ...fixtureSnapshot().overview, calls: 1 } } } });
    send({ type: 'update', update: { version: 21, baseVersion: 20, changed: {} } });
    expect(vscode.posted.filter((m) => m.type === 'refresh')).toHaveLength(1);
    expect(screen.getByTestId('card-calls').textContent).toContain('1,234');
  });

  it('shows reconnecting and keeps the data', () => {
    renderWithSnapshot();
    send({ type: 'status', state: 'reconnecting' });
    expect(screen.getByRole('status').textContent).toContain('Reconnecting');
    expect(screen.getByTestId('card-calls').textContent).toContain('1,234');
    send({ type: 'status', state: 'ready' });
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('uiState restores range and filters', () => {
    renderWithSnapshot();
    send({ type: 'uiState', range: 'today', filters: { workflow: 'doc-gen' } });
    expect(screen.getByRole('button', { name: 'Today' }).getAttribute('aria-pressed')).toBe('true');
    expect((screen.getByLabelText('Workflow') as HTMLSelectElement).value).toBe('doc-gen');
  });
});

describe('panels', () => {
  it('top workflows: five, each opening its source', () => {
    const { vscode } = renderWithSnapshot();
    const section = screen.getByRole('region', { name: 'Top workflows by cost' });
    const buttons = within(section).getAllByRole('button');
    expect(buttons).toHaveLength(5);
    expect(within(section).queryByText('sixth-workflow')).toBeNull();
    fireEvent.click(buttons[1]!);
    expect(lastPosted(vscode)).toEqual({ type: 'openSource', workflowName: 'doc-gen' });
  });

  it('circuit breakers show state and when they last opened', () => {
    renderWithSnapshot();
    const section = screen.getByRole('region', { name: 'Circuit breakers' });
    const openai = section.querySelector('[data-provider="openai"]')!;
    expect(openai.textContent).toContain('half-open');
    expect(openai.textContent).toContain('last opened 30m ago');
    expect(section.querySelector('[data-provider="anthropic"]')!.textContent).toContain('never opened');
    expect(section.querySelector('[data-provider="google"] .badge-open')).not.toBeNull();
  });

  it('fallback and error panels show their headline numbers', () => {
    renderWithSnapshot();
    expect(screen.getByRole('region', { name: 'Fallback rate' }).textContent).toContain('2.0%');
    expect(screen.getByRole('region', { name: 'Fallback rate' }).textContent).toContain('openai:capable → anthropic:capable');
    expect(screen.getByRole('region', { name: 'Error rate by day' }).textContent).toContain('31 errors');
  });

  it('uses hourly error buckets when present', () => {
    renderApp();
    const snap = fixtureSnapshot();
    snap.errors = { ...snap.errors, by_hour: [{ hour: '2026-11-27T10:00:00+00:00', calls: 3, errors: 1, error_rate: 33.3 }] };
    send({ type: 'snapshot', snapshot: snap });
    const region = screen.getByRole('region', { name: 'Error rate by hour' });
    fireEvent.click(within(region).getByRole('button', { name: 'Show as table' }));
    expect(within(region).getByRole('table').textContent).toContain('33.3%');
  });

  it('"Show as table" swaps each chart for a table with the same data', () => {
    const { vscode } = renderWithSnapshot();
    const toggles = screen.getAllByRole('button', { name: 'Show as table' });
    expect(toggles).toHaveLength(6);
    const region = screen.getByRole('region', { name: 'Cost over time' });
    expect(region.querySelector('canvas')).not.toBeNull();
    const toggle = within(region).getByRole('button', { name: 'Show as table' });
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(region.querySelector('canvas')).toBeNull();
    const table = within(region).getByRole('table');
    expect(table.textContent).toContain('2026-11-25');
    expect(table.textContent).toContain('$3.20');
    expect(vscode.state).toMatchObject({ tables: { 'cost-over-time': true } });
    for (const name of ['Cost by provider', 'Cost and calls by tier', 'Latency by tier (avg and p95)', 'Fallback rate']) {
      const r = screen.getByRole('region', { name });
      fireEvent.click(within(r).getByRole('button', { name: 'Show as table' }));
      expect(within(r).getByRole('table')).toBeTruthy();
    }
    expect(screen.getByRole('region', { name: 'Cost by provider' }).textContent).toContain('$7.50');
    expect(screen.getByRole('region', { name: 'Latency by tier (avg and p95)' }).textContent).toContain('7.00 s');
    fireEvent.click(toggle);
    expect(region.querySelector('canvas')).not.toBeNull();
  });

  it('restores table toggles from saved UI state', () => {
    renderWithSnapshot({ range: '7d', filters: {}, tables: { 'cost-by-tier': true } });
    const region = screen.getByRole('region', { name: 'Cost and calls by tier' });
    expect(within(region).getByRole('table').textContent).toContain('80.6%');
  });
});

describe('data health', () => {
  it('lists problems as file:line reason and opens the file', () => {
    const { vscode } = renderWithSnapshot();
    const strip = screen.getByTestId('health-strip');
    expect(strip.textContent).toContain('1,240 records from 2 files');
    const problem = within(strip).getByRole('button', { name: /llm_calls\.jsonl:7 not valid JSON/ });
    fireEvent.click(problem);
    expect(lastPosted(vscode)).toEqual({ type: 'openFile', path: '/work/sample/.empathy/llm_calls.jsonl', line: 7 });
  });

  it('follows health messages and shows read errors', () => {
    renderWithSnapshot();
    const file = { ...fixtureSnapshot().health.files[1]!, read_error: 'Permission denied' };
    send({ type: 'health', health: { ...fixtureSnapshot().health, malformed: 0, files: [file] } });
    const strip = screen.getByTestId('health-strip');
    expect(strip.textContent).toContain('workflow_runs.jsonl: Permission denied');
    expect(within(strip).queryAllByRole('button')).toHaveLength(0);
  });
});

describe('empty state', () => {
  it('offers demo data and how to instrument', () => {
    const { vscode } = renderApp();
    send({ type: 'snapshot', snapshot: emptySnapshot() });
    expect(screen.getByRole('heading', { name: 'No LLM calls recorded yet' })).toBeTruthy();
    expect(screen.getByText(/not found/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Generate demo data' }));
    expect(lastPosted(vscode)).toEqual({ type: 'generateDemo' });
    expect((screen.getByRole('button', { name: 'Export CSV' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('health-strip').textContent).toContain('0 records');
  });
});
