/**
 * The panel messages (docs/dev/PANEL_CONTRACT.md), declared once for both ends: the extension
 * imports this module as `@protocol`, the webview as `./protocol`.
 *
 * `ExtensionMessage` goes extension -> webview and is checked on receipt with the generated guards;
 * `WebviewMessage` goes webview -> extension, whose own parser (extension/src/panel/messages.ts)
 * sanitises it because a webview is untrusted input.
 */
import { arr, failAt, int, isRecordObject, lastFailurePath, literal, nullable, num, obj, optional, resetFailurePath, str, type Guard } from './guard';
import { isSetupView, type SetupAction, type SetupView } from './setup';
import {
  ActivityResultFields,
  DimensionValuesResultFields,
  isAlertsStatus,
  isBudgetsSection,
  isFilters,
  isHealth,
  isSnapshot,
  SnapshotFields,
} from './guards.generated';
import type { ActivityResult, AlertsStatus, BudgetsSection, DimensionValuesParams, DimensionValuesResult, Filters, Health, Snapshot, SnapshotParams } from './protocol.generated';

/** A range the panel can ask for (the sidecar's `SnapshotParams.range`). */
export type Range = NonNullable<SnapshotParams['range']>;
export const RANGES = ['today', '7d', '30d', 'all'] as const satisfies readonly Range[];
export const isRange: Guard<Range> = literal(...RANGES);

/** A cost mode (the sidecar's `SnapshotParams.cost_mode`): which cost every number of the view shows. */
export type CostMode = NonNullable<SnapshotParams['cost_mode']>;
export const COST_MODES = ['auto', 'writer', 'list'] as const satisfies readonly CostMode[];
// Compile error when the sidecar gains a mode the panel does not offer.
export type _EveryCostMode = [Exclude<CostMode, (typeof COST_MODES)[number]>] extends [never] ? true : never;
export const _everyCostMode: _EveryCostMode = true;
export const isCostMode: Guard<CostMode> = literal(...COST_MODES);

/** The filter keys the panel may send (the generated `Filters` has exactly these). */
export const FILTER_KEYS = ['workflow', 'provider', 'tier', 'model', 'step', 'project', 'user', 'session', 'source'] as const satisfies readonly (keyof Filters)[];
/** Dimensions whose values the dropdowns search with `empathy/dimensionValues` as the user types. */
export const SEARCHED_DIMENSIONS = ['project', 'user', 'session', 'source'] as const satisfies readonly NonNullable<DimensionValuesParams['dimension']>[];
export type SearchedDimension = (typeof SEARCHED_DIMENSIONS)[number];
export const isSearchedDimension: Guard<SearchedDimension> = literal(...SEARCHED_DIMENSIONS);
// Compile error when Filters gains a key that FILTER_KEYS lacks.
export type _EveryFilterKey = [Exclude<keyof Filters, (typeof FILTER_KEYS)[number]>] extends [never] ? true : never;
export const _everyFilterKey: _EveryFilterKey = true;

export type ConnectionState = 'starting' | 'ready' | 'reconnecting' | 'error';

/** Sections of a snapshot that a `didUpdate` may replace. */
export type SnapshotSection = Exclude<keyof Snapshot, 'version'>;

/** A `didUpdate` (the generated `DidUpdateParams`) with `changed` typed by the snapshot's sections. */
export interface SnapshotUpdate {
  version: number;
  baseVersion: number;
  /** Only the sections that changed; `recent_calls` carries the full latest list for the view. */
  changed: Partial<Omit<Snapshot, 'version'>>;
}

export type ExtensionMessage =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'update'; update: SnapshotUpdate }
  | ({ type: 'activityPage' } & ActivityResult)
  | { type: 'status'; state: ConnectionState; message?: string }
  | { type: 'health'; health: Health }
  | { type: 'exported'; path: string; rows: number }
  | { type: 'notice'; level: 'info' | 'error'; message: string }
  /** `costMode`: this view's own cost mode; absent when the view follows the workspace's `cost_mode`. */
  | { type: 'uiState'; range: Range; filters: Filters; costMode?: CostMode }
  | { type: 'alerts'; alerts: AlertsStatus }
  /** `empathy/didChangeBudgets` forwarded: the budgets and anomaly markers, newer than the snapshot's. */
  | { type: 'budgets'; budgets: BudgetsSection }
  | { type: 'historyCleared'; archiveDir: string; moved: string[] }
  | { type: 'historyRestored'; archiveDir: string; restored: string[] }
  | { type: 'refreshed'; durationMs: number; records: number }
  /** The answer to a `dimensionValues` search (`prefix` says which one). */
  | ({ type: 'dimensionValues'; prefix: string } & DimensionValuesResult)
  /** The set-up state (protocol/setup.ts); null once the sidecar's interpreter is fine. */
  | { type: 'setup'; setup: SetupView | null }
  /** Sources whose offer (`Snapshot.offers`) was answered in this workspace: not offered again. */
  | { type: 'offers'; dismissed: string[] };

export type WebviewMessage =
  | { type: 'ready' }
  /** `costMode` changes only this view; absent: the workspace's `cost_mode` (monitoring.yaml). */
  | { type: 'setView'; range: Range; filters: Filters; costMode?: CostMode }
  | { type: 'refresh' }
  | { type: 'loadMore'; offset: number; limit: number; filters: Filters }
  /** `workflowName` is left out for a call without a workflow: the sidecar resolves it by `callId`. */
  | { type: 'openSource'; workflowName?: string; stepName?: string; callId?: string }
  | { type: 'openFile'; path: string; line: number }
  | { type: 'exportCsv' }
  | { type: 'generateDemo' }
  | { type: 'clearHistory' }
  | { type: 'undoClearHistory'; archiveDir: string }
  | { type: 'clearFeed' }
  | { type: 'refreshAll' }
  | { type: 'openSettings' }
  | { type: 'openAlertsConfig' }
  | { type: 'testAlert'; rule: string }
  /** "Add a price" for an unpriced model: the extension has the sidecar write a stub into prices.yaml and opens it. */
  | { type: 'addPrice'; model: string; provider?: string }
  /** "Set budget…": the extension asks name, amount and period ("Empathy: Set Budget…"). */
  | { type: 'setBudget' }
  /** Search a dimension's values in the window (a dropdown as the user types). */
  | { type: 'dimensionValues'; dimension: SearchedDimension; prefix: string; limit: number }
  /** A button of the set-up state. */
  | { type: 'setupAction'; action: SetupAction }
  /** The offer's "Show": turn the source on (the extension writes `empathy.sources`). */
  | { type: 'enableSource'; source: string }
  /** The offer's "Dismiss": never offer this source again in this workspace. */
  | { type: 'dismissOffer'; source: string };

const SECTION_GUARDS = Object.entries(SnapshotFields).filter(([key]) => key !== 'version') as [string, Guard<unknown>][];

/** Known sections must be valid; unknown sections are allowed (and ignored by the reducer). */
export const isSnapshotUpdate: Guard<SnapshotUpdate> = (v): v is SnapshotUpdate => {
  if (!isRecordObject(v) || !int(v.version) || !int(v.baseVersion) || !isRecordObject(v.changed)) {
    return false;
  }
  const changed = v.changed;
  const valid = SECTION_GUARDS.every(([key, guard]) => !(key in changed) || guard(changed[key]) || failAt(key));
  return valid || failAt('changed');
};

const MESSAGE_GUARDS: { [K in ExtensionMessage['type']]: Guard<Extract<ExtensionMessage, { type: K }>> } = {
  snapshot: obj({ type: literal('snapshot'), snapshot: isSnapshot }),
  update: obj({ type: literal('update'), update: isSnapshotUpdate }),
  activityPage: obj({ type: literal('activityPage'), ...ActivityResultFields }),
  status: obj({
    type: literal('status'),
    state: literal('starting', 'ready', 'reconnecting', 'error'),
    message: optional(str),
  }),
  health: obj({ type: literal('health'), health: isHealth }),
  exported: obj({ type: literal('exported'), path: str, rows: int }),
  notice: obj({ type: literal('notice'), level: literal('info', 'error'), message: str }),
  uiState: obj({ type: literal('uiState'), range: isRange, filters: isFilters, costMode: optional(isCostMode) }),
  alerts: obj({ type: literal('alerts'), alerts: isAlertsStatus }),
  budgets: obj({ type: literal('budgets'), budgets: isBudgetsSection }),
  historyCleared: obj({ type: literal('historyCleared'), archiveDir: str, moved: arr(str) }),
  historyRestored: obj({ type: literal('historyRestored'), archiveDir: str, restored: arr(str) }),
  refreshed: obj({ type: literal('refreshed'), durationMs: num, records: int }),
  dimensionValues: obj({ type: literal('dimensionValues'), prefix: str, ...DimensionValuesResultFields }),
  setup: obj({ type: literal('setup'), setup: nullable(isSetupView) }),
  offers: obj({ type: literal('offers'), dismissed: arr(str) }),
};

export const isExtensionMessage: Guard<ExtensionMessage> = (v): v is ExtensionMessage => {
  if (!isRecordObject(v) || typeof v.type !== 'string' || !Object.hasOwn(MESSAGE_GUARDS, v.type)) {
    return false;
  }
  const guard = MESSAGE_GUARDS[v.type as ExtensionMessage['type']] as Guard<ExtensionMessage>;
  return guard(v);
};

/** The typed message, or null (and a console warning saying where it broke) when `data` is not one. */
export function parseExtensionMessage(data: unknown): ExtensionMessage | null {
  resetFailurePath();
  if (isExtensionMessage(data)) return data;
  const type = isRecordObject(data) && typeof data.type === 'string' ? data.type : typeof data;
  const where = lastFailurePath();
  console.warn(`[empathy] ignored an unknown or malformed message (type: ${type}${where ? `, at: ${where}` : ''})`);
  return null;
}
