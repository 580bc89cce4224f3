/**
 * The panel's state: the latest snapshot, live patches, activity paging, connection status and UI state.
 *
 * Pure: no IO, no posting. Side effects the reducer asks for (a `refresh` after a stale update) are
 * exposed as counters that App turns into messages, so every transition is unit-testable.
 */
import type { ConnectionState, ExtensionMessage, FilterOption, SearchedDimension, SetupView } from '../protocol';
import { FILTER_KEYS, isCostMode, isFilters, isRange, isSearchedDimension as isSearchedDimensionName } from '../protocol';
import type { AlertsStatus, BudgetsSection, CallRow, CostMode, Filters, Health, Range, Snapshot, SnapshotUpdate, SourceOffer } from '../protocol';
import { isRecordObject } from '../protocol';

/** What survives a webview reload through `vscode.setState` — never data. */
export interface UiState {
  range: Range;
  filters: Filters;
  /** Chart id -> "show as table" is on. */
  tables: Record<string, boolean>;
  /** The activity feed's "Clear" (view only): calls up to this point are hidden behind a marker. */
  feedCleared?: FeedMarker;
  /** This view's cost mode (the toolbar's toggle); absent: the workspace's `cost_mode`. */
  costMode?: CostMode;
}

/** Where the feed was cleared: when (for the label) and the newest call then shown (the cut). */
export interface FeedMarker {
  /** Epoch ms of the click. */
  at: number;
  /** ISO timestamp of the newest call shown at the click; only newer calls are shown. */
  after: string | null;
}

/** One search of a dimension's values: what was typed and what matched (at most the limit). */
export interface DimensionSearch {
  prefix: string;
  values: FilterOption[];
  total: number;
}

export const DEFAULT_UI: UiState = { range: '7d', filters: {}, tables: {} };

export interface Notice {
  level: 'info' | 'error';
  message: string;
}

export interface PanelState {
  snapshot: Snapshot | null;
  /** Health can arrive on its own (`didChangeHealth`), before or after a snapshot. */
  health: Health | null;
  /** Rows appended by "Load more", shown after `snapshot.recent_calls`. */
  extraRows: CallRow[];
  /** Total rows matching the filters, known once a page has arrived. */
  activityTotal: number | null;
  loadingMore: boolean;
  connection: { state: ConnectionState; message?: string };
  notice: Notice | null;
  ui: UiState;
  /** Incremented when a stale update was dropped and a `refresh` must be posted. */
  refreshSeq: number;
  /** True between asking for a refresh and the next snapshot: no duplicate refreshes. */
  awaitingRefresh: boolean;
  /** Alerts pushed on their own (`didChangeAlerts`), newer than the snapshot's. */
  alerts: AlertsStatus | null;
  /** Budgets pushed on their own (`didChangeBudgets`), newer than the snapshot's. */
  budgets: BudgetsSection | null;
  /** The last Clear History of this panel, for its Undo button. */
  lastCleared: { archiveDir: string; moved: string[] } | null;
  /** True between pressing Refresh and its `refreshed` answer. */
  refreshing: boolean;
  /** The extension's set-up state while the sidecar cannot run (or needs a fix). */
  setup: SetupView | null;
  /** The latest `dimensionValues` answer per dimension (the filter bar's suggestions). */
  dimensionSearch: Partial<Record<SearchedDimension, DimensionSearch>>;
  /** Sources whose offer was answered (the extension remembers them); null until it said. */
  answeredOffers: string[] | null;
}

export type Action =
  | ExtensionMessage
  | { type: 'setRange'; range: Range }
  | { type: 'setFilter'; key: keyof Filters; value: string }
  /** null: follow the workspace's `cost_mode` again. */
  | { type: 'setCostMode'; mode: CostMode | null }
  | { type: 'toggleTable'; id: string }
  | { type: 'loadMoreRequested' }
  | { type: 'dismissNotice' }
  | { type: 'clearFeed'; at: number }
  | { type: 'showEarlierFeed' }
  | { type: 'refreshRequested' }
  | { type: 'undoRequested' }
  | { type: 'offerAnswered'; source: string };

export function initialState(ui: UiState = DEFAULT_UI): PanelState {
  return {
    snapshot: null,
    health: null,
    extraRows: [],
    activityTotal: null,
    loadingMore: false,
    connection: { state: 'starting' },
    notice: null,
    ui,
    refreshSeq: 0,
    awaitingRefresh: false,
    alerts: null,
    budgets: null,
    lastCleared: null,
    refreshing: false,
    setup: null,
    dimensionSearch: {},
    answeredOffers: null,
  };
}

/** Restores UI state saved by `setState`; anything unrecognised falls back to the defaults. */
export function restoreUiState(saved: unknown): UiState {
  if (!isRecordObject(saved)) return DEFAULT_UI;
  const tables: Record<string, boolean> = {};
  if (isRecordObject(saved.tables)) {
    for (const [id, on] of Object.entries(saved.tables)) if (on === true) tables[id] = true;
  }
  const ui: UiState = {
    range: isRange(saved.range) ? saved.range : DEFAULT_UI.range,
    filters: isFilters(saved.filters) ? cleanFilters(saved.filters) : {},
    tables,
  };
  const m = saved.feedCleared;
  if (isRecordObject(m) && typeof m.at === 'number' && Number.isFinite(m.at) && (m.after === null || typeof m.after === 'string')) {
    ui.feedCleared = { at: m.at, after: m.after };
  }
  if (isCostMode(saved.costMode)) ui.costMode = saved.costMode;
  return ui;
}

/** Drops empty filter values so `{workflow: ""}` and `{}` mean the same thing on the wire. */
export function cleanFilters(filters: Filters): Filters {
  const out: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value) out[key] = value;
  }
  return out;
}

/**
 * The filters with one changed (empty: removed). A step belongs to its workflow: picking another
 * workflow drops the step filter, which would otherwise match nothing.
 */
export function withFilter(filters: Filters, key: keyof Filters, value: string): Filters {
  const next: Filters = { ...filters, [key]: value };
  if (key === 'workflow' && value !== (filters.workflow ?? '')) delete next.step;
  return cleanFilters(next);
}

/** The one offer to show: the snapshot's first not yet answered (none before the extension said). */
export function selectOffer(state: PanelState): SourceOffer | null {
  const answered = state.answeredOffers;
  if (answered === null) return null;
  return (state.snapshot?.offers ?? []).find((o) => !answered.includes(o.source)) ?? null;
}

/** Every loaded call: the snapshot's latest calls, then paged rows not already shown. */
export function selectLoadedActivity(state: PanelState): CallRow[] {
  const recent = state.snapshot?.recent_calls ?? [];
  if (state.extraRows.length === 0) return recent;
  const seen = new Set(recent.map((r) => r.call_id));
  return [...recent, ...state.extraRows.filter((r) => !seen.has(r.call_id))];
}

/** Whether a call is newer than the feed's "cleared at" cut (a comparison of two timestamps). */
function afterCut(row: CallRow, cutMs: number): boolean {
  const t = Date.parse(row.timestamp);
  return Number.isNaN(t) || t > cutMs;
}

/** The activity feed as shown: after a "Clear", only calls newer than the marker. */
export function selectActivity(state: PanelState): CallRow[] {
  const rows = selectLoadedActivity(state);
  const marker = state.ui.feedCleared;
  if (!marker) return rows;
  const cut = marker.after === null ? marker.at : Date.parse(marker.after);
  return Number.isNaN(cut) ? rows : rows.filter((r) => afterCut(r, cut));
}

export function selectAlerts(state: PanelState): AlertsStatus | null {
  return state.alerts ?? state.snapshot?.alerts ?? null;
}

/** The budgets as last pushed, else the snapshot's (null: none known, or evaluation failed). */
export function selectBudgets(state: PanelState): BudgetsSection | null {
  return state.budgets ?? state.snapshot?.budgets ?? null;
}

export function selectHealth(state: PanelState): Health | null {
  return state.health ?? state.snapshot?.health ?? null;
}

/** Whether "Load more" can fetch anything: unknown total, or fewer rows shown than exist. */
export function selectCanLoadMore(state: PanelState): boolean {
  // Older calls sit behind the "cleared at" marker: nothing to page in.
  if (!state.snapshot || state.ui.feedCleared) return false;
  const shown = selectLoadedActivity(state).length;
  if (state.activityTotal === null) return shown > 0;
  return shown < state.activityTotal;
}

function applyUpdate(state: PanelState, update: SnapshotUpdate): PanelState {
  const snapshot = state.snapshot;
  // Already applied (or older than what we show): nothing to do, nothing to ask for.
  if (snapshot && update.version <= snapshot.version) return state;
  if (!snapshot || update.baseVersion !== snapshot.version) {
    if (state.awaitingRefresh) return state;
    return { ...state, refreshSeq: state.refreshSeq + 1, awaitingRefresh: true };
  }
  const next: Snapshot = { ...snapshot, ...update.changed, version: update.version };
  return {
    ...state,
    snapshot: next,
    health: update.changed.health ?? state.health,
    alerts: update.changed.alerts !== undefined ? update.changed.alerts : state.alerts,
    budgets: update.changed.budgets !== undefined ? update.changed.budgets : state.budgets,
  };
}

/** `ui` with its cost mode set, or without one (the view follows the workspace). */
function withCostMode(ui: UiState, mode: CostMode | null): UiState {
  const next = { ...ui };
  if (mode === null) delete next.costMode;
  else next.costMode = mode;
  return next;
}

/**
 * The cost mode this view shows and the workspace's, as the sidecar reported them in the snapshot
 * (null before one arrives, or from a sidecar that does not report them).
 */
export function selectCostModes(state: PanelState): { view: CostMode; workspace: CostMode } | null {
  const prices = state.snapshot?.prices;
  if (!prices) return null;
  return { view: prices.cost_mode, workspace: prices.workspace_cost_mode };
}

export function reducer(state: PanelState, action: Action): PanelState {
  switch (action.type) {
    case 'snapshot': {
      const { snapshot } = action;
      return {
        ...state,
        snapshot,
        health: snapshot.health,
        extraRows: [],
        activityTotal: null,
        loadingMore: false,
        awaitingRefresh: false,
        alerts: snapshot.alerts,
        budgets: snapshot.budgets,
        // A snapshot proves the sidecar answers, whatever the last status said.
        connection: { state: 'ready' },
        // A 'custom' window (since/until, never asked by the panel) leaves the range buttons alone.
        ui: { ...state.ui, range: isRange(snapshot.window.range) ? snapshot.window.range : state.ui.range },
      };
    }
    case 'update':
      return applyUpdate(state, action.update);
    case 'dimensionValues': {
      if (!(isSearchedDimensionName(action.dimension))) return state;
      const search: DimensionSearch = { prefix: action.prefix, values: action.values, total: action.total };
      return { ...state, dimensionSearch: { ...state.dimensionSearch, [action.dimension]: search } };
    }
    case 'activityPage': {
      const have = new Set(selectLoadedActivity(state).map((r) => r.call_id));
      const fresh = action.rows.filter((r) => !have.has(r.call_id));
      return {
        ...state,
        extraRows: [...state.extraRows, ...fresh],
        activityTotal: action.total,
        loadingMore: false,
      };
    }
    case 'status':
      return {
        ...state,
        connection: action.message === undefined ? { state: action.state } : { state: action.state, message: action.message },
        // Whatever was in flight will not answer after a restart.
        refreshing: action.state === 'ready' || action.state === 'starting' ? state.refreshing : false,
      };
    case 'health':
      return { ...state, health: action.health };
    case 'setup':
      return { ...state, setup: action.setup };
    case 'offers':
      return { ...state, answeredOffers: action.dismissed };
    case 'offerAnswered':
      // Hidden at once; the extension's `offers` reply confirms it.
      return { ...state, answeredOffers: [...(state.answeredOffers ?? []), action.source] };
    case 'exported':
      return {
        ...state,
        notice: { level: 'info', message: `Exported ${action.rows.toLocaleString('en-US')} rows to ${action.path}` },
      };
    case 'notice':
      // An error notice is how a failed Refresh answers.
      return {
        ...state,
        notice: { level: action.level, message: action.message },
        refreshing: action.level === 'error' ? false : state.refreshing,
      };
    case 'uiState':
      return { ...state, ui: withCostMode({ ...state.ui, range: action.range, filters: cleanFilters(action.filters) }, action.costMode ?? null) };
    case 'setCostMode':
      return { ...state, ui: withCostMode(state.ui, action.mode) };
    case 'setRange':
      return { ...state, ui: { ...state.ui, range: action.range } };
    case 'setFilter':
      return {
        ...state,
        ui: { ...state.ui, filters: withFilter(state.ui.filters, action.key, action.value) },
      };
    case 'toggleTable': {
      const tables = { ...state.ui.tables };
      if (tables[action.id]) delete tables[action.id];
      else tables[action.id] = true;
      return { ...state, ui: { ...state.ui, tables } };
    }
    case 'loadMoreRequested':
      return { ...state, loadingMore: true };
    case 'dismissNotice':
      return { ...state, notice: null };
    case 'alerts':
      return { ...state, alerts: action.alerts };
    case 'budgets':
      return { ...state, budgets: action.budgets };
    case 'historyCleared':
      return {
        ...state,
        lastCleared: { archiveDir: action.archiveDir, moved: action.moved },
        notice: null,
      };
    case 'undoRequested':
      return { ...state, lastCleared: null };
    case 'historyRestored':
      // Undone (from the panel or the notification): its Undo button goes away.
      return {
        ...state,
        lastCleared: state.lastCleared?.archiveDir === action.archiveDir ? null : state.lastCleared,
        notice: { level: 'info', message: `History restored: ${action.restored.length} ${action.restored.length === 1 ? 'file' : 'files'} moved back.` },
      };
    case 'refreshRequested':
      return { ...state, refreshing: true };
    case 'refreshed':
      return {
        ...state,
        refreshing: false,
        notice: {
          level: 'info',
          message: `Re-read ${action.records.toLocaleString('en-US')} records in ${action.durationMs.toLocaleString('en-US', { maximumFractionDigits: 0 })} ms`,
        },
      };
    case 'clearFeed': {
      const newest = selectActivity(state)[0]?.timestamp ?? state.ui.feedCleared?.after ?? null;
      return { ...state, ui: { ...state.ui, feedCleared: { at: action.at, after: newest } } };
    }
    case 'showEarlierFeed': {
      const ui = { ...state.ui };
      delete ui.feedCleared;
      return { ...state, ui };
    }
    default: {
      const unreachable: never = action;
      return unreachable;
    }
  }
}
