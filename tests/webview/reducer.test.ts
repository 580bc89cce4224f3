import { describe, expect, it } from 'vitest';
import {
  DEFAULT_UI,
  cleanFilters,
  initialState,
  reducer,
  restoreUiState,
  selectActivity,
  selectCanLoadMore,
  selectHealth,
  type Action,
  type PanelState,
} from '../../webview/src/state/reducer';
import { callRow, emptySnapshot, fixtureHealth, fixtureSnapshot } from './support/fixtureSnapshot';

const run = (actions: Action[], start: PanelState = initialState()): PanelState => actions.reduce(reducer, start);
const withSnapshot = (): PanelState => run([{ type: 'snapshot', snapshot: fixtureSnapshot() }]);

describe('initial state', () => {
  it('starts without data, starting, default UI', () => {
    const s = initialState();
    expect(s.snapshot).toBeNull();
    expect(s.connection.state).toBe('starting');
    expect(s.ui).toEqual(DEFAULT_UI);
    expect(selectActivity(s)).toEqual([]);
    expect(selectHealth(s)).toBeNull();
    expect(selectCanLoadMore(s)).toBe(false);
  });
});

describe('snapshot', () => {
  it('stores the snapshot, its health, marks ready and syncs the range', () => {
    const s = run([{ type: 'setRange', range: 'all' }, { type: 'snapshot', snapshot: fixtureSnapshot() }]);
    expect(s.snapshot?.version).toBe(12);
    expect(s.connection.state).toBe('ready');
    expect(s.ui.range).toBe('7d');
    expect(selectHealth(s)).toBe(fixtureHealth);
    expect(selectActivity(s).map((r) => r.call_id)).toEqual(['c-001', 'c-002', 'c-003', 'c-004']);
  });

  it('resets paging and a pending refresh', () => {
    let s = withSnapshot();
    s = reducer(s, { type: 'activityPage', rows: [callRow({ call_id: 'old-1' })], total: 50, offset: 4 });
    s = reducer(s, { type: 'update', update: { version: 99, baseVersion: 98, changed: {} } });
    expect(s.awaitingRefresh).toBe(true);
    s = reducer(s, { type: 'snapshot', snapshot: fixtureSnapshot({ version: 100 }) });
    expect(s.extraRows).toEqual([]);
    expect(s.activityTotal).toBeNull();
    expect(s.awaitingRefresh).toBe(false);
  });
});

describe('update', () => {
  it('applies changed sections when baseVersion matches, keeping the others', () => {
    const before = withSnapshot();
    const overview = { ...before.snapshot!.overview, calls: 1235 };
    const s = reducer(before, { type: 'update', update: { version: 13, baseVersion: 12, changed: { overview } } });
    expect(s.snapshot?.version).toBe(13);
    expect(s.snapshot?.overview.calls).toBe(1235);
    expect(s.snapshot?.by_provider).toBe(before.snapshot?.by_provider);
    expect(s.refreshSeq).toBe(0);
  });

  it('replaces recent_calls and keeps paged rows after them without duplicates', () => {
    let s = withSnapshot();
    s = reducer(s, { type: 'activityPage', rows: [callRow({ call_id: 'p-1' }), callRow({ call_id: 'p-2' })], total: 10, offset: 4 });
    const recent = [callRow({ call_id: 'new-1' }), callRow({ call_id: 'p-1' })];
    s = reducer(s, { type: 'update', update: { version: 13, baseVersion: 12, changed: { recent_calls: recent } } });
    expect(selectActivity(s).map((r) => r.call_id)).toEqual(['new-1', 'p-1', 'p-2']);
  });

  it('applies health carried by an update', () => {
    const health = { ...fixtureHealth, malformed: 5 };
    const s = reducer(withSnapshot(), { type: 'update', update: { version: 13, baseVersion: 12, changed: { health } } });
    expect(selectHealth(s)?.malformed).toBe(5);
  });

  it('asks for one refresh when baseVersion does not match', () => {
    let s = withSnapshot();
    s = reducer(s, { type: 'update', update: { version: 15, baseVersion: 14, changed: { previous: null } } });
    expect(s.snapshot?.version).toBe(12);
    expect(s.snapshot?.previous).not.toBeNull();
    expect(s.refreshSeq).toBe(1);
    expect(s.awaitingRefresh).toBe(true);
    // A second stale update while waiting does not ask again.
    s = reducer(s, { type: 'update', update: { version: 16, baseVersion: 15, changed: {} } });
    expect(s.refreshSeq).toBe(1);
  });

  it('asks for a refresh when no snapshot has arrived yet', () => {
    const s = reducer(initialState(), { type: 'update', update: { version: 2, baseVersion: 1, changed: {} } });
    expect(s.refreshSeq).toBe(1);
  });

  it('ignores an update that is not newer than the snapshot', () => {
    const before = withSnapshot();
    const s = reducer(before, { type: 'update', update: { version: 12, baseVersion: 11, changed: { previous: null } } });
    expect(s).toBe(before);
  });
});

describe('activityPage and load more', () => {
  it('appends new rows, records the total and clears loading', () => {
    let s = reducer(withSnapshot(), { type: 'loadMoreRequested' });
    expect(s.loadingMore).toBe(true);
    s = reducer(s, { type: 'activityPage', rows: [callRow({ call_id: 'c-004' }), callRow({ call_id: 'c-005' })], total: 6, offset: 4 });
    expect(s.loadingMore).toBe(false);
    expect(s.activityTotal).toBe(6);
    expect(selectActivity(s).map((r) => r.call_id)).toEqual(['c-001', 'c-002', 'c-003', 'c-004', 'c-005']);
    expect(selectCanLoadMore(s)).toBe(true);
    s = reducer(s, { type: 'activityPage', rows: [callRow({ call_id: 'c-006' })], total: 6, offset: 5 });
    expect(selectCanLoadMore(s)).toBe(false);
  });

  it('cannot load more from an empty feed with unknown total', () => {
    expect(selectCanLoadMore(run([{ type: 'snapshot', snapshot: emptySnapshot() }]))).toBe(false);
    expect(selectCanLoadMore(withSnapshot())).toBe(true);
  });
});

describe('status, health, notices', () => {
  it('tracks connection state with and without a message', () => {
    let s = reducer(withSnapshot(), { type: 'status', state: 'reconnecting' });
    expect(s.connection).toEqual({ state: 'reconnecting' });
    s = reducer(s, { type: 'status', state: 'error', message: 'Python 3.8 is too old' });
    expect(s.connection).toEqual({ state: 'error', message: 'Python 3.8 is too old' });
    expect(s.snapshot).not.toBeNull();
  });

  it('health replaces the snapshot health, even before a snapshot', () => {
    const health = { ...fixtureHealth, records: 1 };
    expect(selectHealth(reducer(initialState(), { type: 'health', health }))).toBe(health);
    expect(selectHealth(reducer(withSnapshot(), { type: 'health', health }))).toBe(health);
  });

  it('exported and notice set a dismissable notice', () => {
    let s = reducer(initialState(), { type: 'exported', path: '/tmp/x.csv', rows: 1234 });
    expect(s.notice).toEqual({ level: 'info', message: 'Exported 1,234 rows to /tmp/x.csv' });
    s = reducer(s, { type: 'notice', level: 'error', message: 'No source found' });
    expect(s.notice?.level).toBe('error');
    s = reducer(s, { type: 'dismissNotice' });
    expect(s.notice).toBeNull();
  });
});

describe('UI state', () => {
  it('uiState restores range and filters, dropping empty filters', () => {
    const s = reducer(initialState(), { type: 'uiState', range: '30d', filters: { provider: 'openai', tier: '' } });
    expect(s.ui.range).toBe('30d');
    expect(s.ui.filters).toEqual({ provider: 'openai' });
  });

  it('setFilter sets and clears a filter', () => {
    let s = reducer(initialState(), { type: 'setFilter', key: 'workflow', value: 'doc-gen' });
    expect(s.ui.filters).toEqual({ workflow: 'doc-gen' });
    s = reducer(s, { type: 'setFilter', key: 'tier', value: 'cheap' });
    s = reducer(s, { type: 'setFilter', key: 'workflow', value: '' });
    expect(s.ui.filters).toEqual({ tier: 'cheap' });
  });

  it('toggleTable flips one chart', () => {
    let s = reducer(initialState(), { type: 'toggleTable', id: 'cost-over-time' });
    expect(s.ui.tables).toEqual({ 'cost-over-time': true });
    s = reducer(s, { type: 'toggleTable', id: 'cost-over-time' });
    expect(s.ui.tables).toEqual({});
  });

  it('restoreUiState accepts good state and rejects junk', () => {
    expect(restoreUiState({ range: 'all', filters: { provider: 'openai', tier: '' }, tables: { a: true, b: false, c: 'yes' } })).toEqual({
      range: 'all',
      filters: { provider: 'openai' },
      tables: { a: true },
    });
    expect(restoreUiState(undefined)).toEqual(DEFAULT_UI);
    expect(restoreUiState('x')).toEqual(DEFAULT_UI);
    expect(restoreUiState({ range: 'forever', filters: { provider: 3 } })).toEqual(DEFAULT_UI);
  });

  it('cleanFilters keeps only non-empty known keys', () => {
    expect(cleanFilters({ workflow: '', provider: 'a', model: 'm' })).toEqual({ provider: 'a', model: 'm' });
  });
});
