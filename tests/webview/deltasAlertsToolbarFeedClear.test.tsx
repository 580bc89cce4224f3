/** Round 2 of the panel contract: deltas from the sidecar, alerts strip, Clear History, feed Clear, Refresh, Settings. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import { FIXTURE_NOW, callRow, emptySnapshot, fixtureAlerts, fixtureDeltas, fixtureSnapshot } from './support/fixtureSnapshot';
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
const feedIds = () => Array.from(feed().querySelectorAll('tr[data-call-id]')).map((r) => r.getAttribute('data-call-id'));
const strip = () => screen.getByTestId('alerts-strip');

describe('card deltas come from snapshot.deltas', () => {
  it('shows the sidecar delta even when previous says otherwise (no arithmetic in the webview)', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ deltas: { ...fixtureDeltas, calls: { previous: 1000, change: 234, percent: 50 } } }) });
    expect(screen.getByTestId('card-calls').textContent).toContain('▲ +50.0% vs prev');
    expect(screen.getByTestId('card-latency').textContent).toContain('▼ −9.7% vs prev');
    expect(screen.getByTestId('card-success').textContent).toContain('+1.5 pp');
    expect(screen.getByTestId('card-workflows').textContent).toContain('+20.0%');
  });

  it('follows a didUpdate that replaces deltas', () => {
    renderWithSnapshot();
    send({ type: 'update', update: { version: 13, baseVersion: 12, changed: { deltas: { ...fixtureDeltas, total_cost: { previous: 0, change: 3, percent: null } } } } });
    expect(screen.getByTestId('card-cost').textContent).toContain('new vs prev');
  });
});

describe('alerts strip', () => {
  it('lists the rules with state, value / threshold and last fired, as text', () => {
    renderWithSnapshot();
    const rows = within(strip()).getAllByRole('listitem');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('firing');
    expect(rows[0]!.textContent).toContain('Daily budget');
    expect(rows[0]!.textContent).toContain('daily_cost 12.3456 / 10');
    expect(rows[0]!.textContent).toContain('fired 20m ago');
    expect(rows[1]!.textContent).toContain('never fired');
    // A rule name with markup is text, never HTML.
    expect(rows[1]!.textContent).toContain('Error rate <b>high</b>');
    expect(strip().querySelector('b')).toBeNull();
    expect(strip().textContent).toContain('1 firing');
  });

  it('"Test" posts testAlert for that rule; the config link posts openAlertsConfig', () => {
    const { vscode } = renderWithSnapshot();
    const first = within(strip()).getAllByRole('listitem')[0]!;
    const test = within(first).getByRole('button', { name: 'Test', description: 'Daily budget' });
    fireEvent.click(test);
    expect(lastPosted(vscode)).toEqual({ type: 'testAlert', rule: 'Daily budget' });
    fireEvent.click(within(strip()).getByRole('button', { name: 'Open alerts.yaml' }));
    expect(lastPosted(vscode)).toEqual({ type: 'openAlertsConfig' });
  });

  it('updates from an `alerts` message, and a newer snapshot wins again', () => {
    renderWithSnapshot();
    send({
      type: 'alerts',
      alerts: { ...fixtureAlerts, rules: [{ ...fixtureAlerts.rules[0]!, state: 'ok' }], errors: ['alerts.yaml:9: unknown metric "cots"'], failingChannels: ['webhook'] },
    });
    expect(within(strip()).getAllByRole('listitem')[0]!.textContent).toContain('ok');
    expect(strip().textContent).toContain('alerts.yaml:9: unknown metric "cots"');
    expect(strip().textContent).toContain('Failing channels: webhook');
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ version: 20 }) });
    expect(strip().textContent).toContain('firing');
  });

  it('without alerts.yaml offers to set them up', () => {
    const { vscode } = renderApp();
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ alerts: null }) });
    expect(strip().textContent).toContain('Alerts are off (no alerts.yaml).');
    fireEvent.click(within(strip()).getByRole('button', { name: 'Set up alerts' }));
    expect(lastPosted(vscode)).toEqual({ type: 'openAlertsConfig' });
  });

  it('with only budgets.yaml (the sidecar pushes enabled: false, no rules) the strip stays off', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ alerts: null }) });
    send({
      type: 'alerts',
      alerts: { enabled: false, configPath: '/work/sample/.empathy/alerts.yaml', rules: [], errors: [], failingChannels: [] },
    });
    expect(strip().textContent).toContain('Alerts are off (no alerts.yaml).');
    expect(strip().textContent).not.toContain('0 rules');
    expect(within(strip()).getByRole('button', { name: 'Set up alerts' })).toBeTruthy();
    expect(strip().className).toContain('alerts-off');
  });

  it('ignores a malformed alerts message', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    renderWithSnapshot();
    send({ type: 'alerts', alerts: { enabled: true, rules: 'nope' } });
    expect(warn).toHaveBeenCalledOnce();
    expect(within(strip()).getAllByRole('listitem')).toHaveLength(2);
  });
});

describe('toolbar: Refresh, Clear History, Settings', () => {
  it('Refresh posts refreshAll, disables itself, and shows "Re-read N records in X ms"', () => {
    const { vscode } = renderWithSnapshot();
    const refresh = screen.getByRole('button', { name: 'Refresh' });
    fireEvent.click(refresh);
    expect(lastPosted(vscode)).toEqual({ type: 'refreshAll' });
    expect((refresh as HTMLButtonElement).disabled).toBe(true);
    send({ type: 'refreshed', durationMs: 38.6, records: 1240 });
    expect(screen.getByRole('status').textContent).toContain('Re-read 1,240 records in 39 ms');
    expect((screen.getByRole('button', { name: 'Refresh' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('a failed Refresh re-enables the button', () => {
    renderWithSnapshot();
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    send({ type: 'notice', level: 'error', message: 'sidecar gone' });
    expect((screen.getByRole('button', { name: 'Refresh' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('Clear History asks the extension (which confirms); the banner then offers Undo', () => {
    const { vscode } = renderWithSnapshot();
    fireEvent.click(screen.getByRole('button', { name: 'Clear History' }));
    expect(lastPosted(vscode)).toEqual({ type: 'clearHistory' });
    const dir = '/work/sample/.empathy/archive/cleared-20261127T120000Z';
    send({ type: 'historyCleared', archiveDir: dir, moved: ['/a/llm_calls.jsonl', '/a/workflow_runs.jsonl'] });
    const banner = screen.getByTestId('history-cleared');
    expect(banner.textContent).toContain('History cleared: 2 files moved to');
    expect(banner.textContent).toContain('.empathy/archive/cleared-20261127T120000Z');
    expect(banner.querySelector('code')?.getAttribute('title')).toBe(dir);
    expect(banner.textContent).toContain('nothing was deleted');
    fireEvent.click(within(banner).getByRole('button', { name: 'Undo' }));
    expect(lastPosted(vscode)).toEqual({ type: 'undoClearHistory', archiveDir: dir });
    expect(screen.queryByTestId('history-cleared')).toBeNull();
  });

  it('an Undo from the notification removes the banner and says so', () => {
    renderWithSnapshot();
    const dir = '/work/sample/.empathy/archive/cleared-20261127T120000Z';
    send({ type: 'historyCleared', archiveDir: dir, moved: ['/a/llm_calls.jsonl'] });
    expect(screen.getByTestId('history-cleared').textContent).toContain('1 file moved');
    send({ type: 'historyRestored', archiveDir: '/other', restored: [] });
    expect(screen.getByTestId('history-cleared')).toBeTruthy();
    send({ type: 'historyRestored', archiveDir: dir, restored: ['/a/llm_calls.jsonl'] });
    expect(screen.queryByTestId('history-cleared')).toBeNull();
    expect(screen.getByRole('status').textContent).toContain('History restored: 1 file moved back.');
  });

  it('after Clear History the empty panel still shows the alerts strip and disables Clear History', () => {
    renderApp();
    send({ type: 'snapshot', snapshot: emptySnapshot() });
    expect(screen.getByRole('heading', { name: 'No LLM calls recorded yet' })).toBeTruthy();
    expect(screen.getByTestId('alerts-strip')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Clear History' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('the gear opens the settings', () => {
    const { vscode } = renderWithSnapshot();
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    expect(lastPosted(vscode)).toEqual({ type: 'openSettings' });
  });
});

describe('activity feed "Clear" (view only)', () => {
  it('hides the calls shown so far behind a "cleared at HH:MM" marker; new calls appear above it', () => {
    const { vscode } = renderWithSnapshot();
    expect(feedIds()).toEqual(['c-001', 'c-002', 'c-003', 'c-004']);
    vi.setSystemTime(new Date('2026-11-27T12:05:00+00:00'));
    fireEvent.click(within(screen.getByRole('region', { name: 'Live activity' })).getByRole('button', { name: 'Clear' }));
    expect(lastPosted(vscode)).toEqual({ type: 'clearFeed' });
    expect(feedIds()).toEqual([]);
    const marker = screen.getByTestId('feed-marker');
    expect(marker.textContent).toMatch(/cleared at \d\d:\d\d/);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    // A new call arrives with the next patch: newest first, above the marker.
    const fresh = callRow({ call_id: 'c-new', timestamp: '2026-11-27T12:04:00+00:00' });
    send({ type: 'update', update: { version: 13, baseVersion: 12, changed: { recent_calls: [fresh, ...fixtureSnapshot().recent_calls] } } });
    expect(feedIds()).toEqual(['c-new']);
    const rows = Array.from(feed().querySelectorAll('tbody tr'));
    expect(rows.indexOf(screen.getByTestId('feed-marker'))).toBe(1);
    // UI state, never data: the marker is kept with setState, not the rows.
    expect((vscode.state as { feedCleared: unknown }).feedCleared).toEqual({
      at: Date.parse('2026-11-27T12:05:00+00:00'),
      after: '2026-11-27T11:58:00+00:00',
    });
  });

  it('"Show earlier calls" removes the marker', () => {
    renderWithSnapshot({ range: '7d', filters: {}, tables: {}, feedCleared: { at: 1, after: '2026-11-27T11:50:00+00:00' } });
    expect(feedIds()).toEqual(['c-001']);
    fireEvent.click(screen.getByRole('button', { name: 'Show earlier calls' }));
    expect(screen.queryByTestId('feed-marker')).toBeNull();
    expect(feedIds()).toEqual(['c-001', 'c-002', 'c-003', 'c-004']);
  });

  it('drops a malformed saved marker', () => {
    renderWithSnapshot({ range: '7d', filters: {}, tables: {}, feedCleared: { at: 'yesterday' } });
    expect(screen.queryByTestId('feed-marker')).toBeNull();
  });
});
