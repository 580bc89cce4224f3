/**
 * Messages between the extension and the webview (docs/dev/PANEL_CONTRACT.md), discriminated on
 * `type`. Everything that arrives from the webview is checked here before anything acts on it.
 */
import {
  FILTER_KEYS,
  RANGES,
  type ActivityPage,
  type AlertsStatus,
  type Filters,
  type Health,
  type Range,
  type Snapshot,
  type SnapshotUpdate,
} from '../protocol';
import { SETUP_ACTIONS, type SetupAction, type SetupView } from '../setup/state';

export type PanelStatus = 'starting' | 'ready' | 'reconnecting' | 'error';

export type ExtensionMessage =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'update'; update: SnapshotUpdate }
  | ({ type: 'activityPage' } & ActivityPage)
  | { type: 'status'; state: PanelStatus; message?: string }
  | { type: 'health'; health: Health }
  | { type: 'exported'; path: string; rows: number }
  | { type: 'notice'; level: 'info' | 'error'; message: string }
  | { type: 'uiState'; range: Range; filters: Filters }
  | { type: 'alerts'; alerts: AlertsStatus }
  | { type: 'historyCleared'; archiveDir: string; moved: string[] }
  | { type: 'historyRestored'; archiveDir: string; restored: string[] }
  | { type: 'refreshed'; durationMs: number; records: number }
  /** The set-up state (setup/state.ts); null once the sidecar's interpreter is fine. */
  | { type: 'setup'; setup: SetupView | null };

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'setView'; range: Range; filters: Filters }
  | { type: 'refresh' }
  | { type: 'loadMore'; offset: number; limit: number; filters: Filters }
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
  /** A button of the set-up state. */
  | { type: 'setupAction'; action: SetupAction };

const MAX_STRING = 4096;
export const MAX_PAGE = 1000;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isStr(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_STRING;
}
function isOptStr(v: unknown): v is string | undefined {
  return v === undefined || v === null || isStr(v);
}
function isIndex(v: unknown, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}
export function isRange(v: unknown): v is Range {
  return typeof v === 'string' && (RANGES as readonly string[]).includes(v);
}

/** Known filter keys with string values; empty strings mean "no filter" and are dropped. */
export function parseFilters(v: unknown): Filters | undefined {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) return undefined;
  const out: Filters = {};
  for (const [key, value] of Object.entries(v)) {
    if (!(FILTER_KEYS as readonly string[]).includes(key)) return undefined;
    if (value === undefined || value === null || value === '') continue;
    if (!isStr(value)) return undefined;
    out[key as keyof Filters] = value;
  }
  return out;
}

/** The message if it is one the extension accepts, else undefined. */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (!isObj(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'ready':
    case 'refresh':
    case 'exportCsv':
    case 'generateDemo':
    case 'clearHistory':
    case 'clearFeed':
    case 'refreshAll':
    case 'openSettings':
    case 'openAlertsConfig':
      return { type: raw.type };
    case 'undoClearHistory':
      if (!isStr(raw.archiveDir) || raw.archiveDir.length === 0) return undefined;
      return { type: 'undoClearHistory', archiveDir: raw.archiveDir };
    case 'setupAction':
      if (!(SETUP_ACTIONS as readonly unknown[]).includes(raw.action)) return undefined;
      return { type: 'setupAction', action: raw.action as SetupAction };
    case 'testAlert':
      if (!isStr(raw.rule) || raw.rule.length === 0) return undefined;
      return { type: 'testAlert', rule: raw.rule };
    case 'setView': {
      const filters = parseFilters(raw.filters);
      if (!isRange(raw.range) || !filters) return undefined;
      return { type: 'setView', range: raw.range, filters };
    }
    case 'loadMore': {
      const filters = parseFilters(raw.filters);
      if (!isIndex(raw.offset) || !isIndex(raw.limit, MAX_PAGE) || raw.limit === 0 || !filters) {
        return undefined;
      }
      return { type: 'loadMore', offset: raw.offset, limit: raw.limit, filters };
    }
    case 'openSource': {
      // A call without a workflow is opened by its callId alone; one of the two must be there.
      if (!isOptStr(raw.workflowName) || !isOptStr(raw.stepName) || !isOptStr(raw.callId)) return undefined;
      if (!raw.workflowName && !raw.callId) return undefined;
      const msg: WebviewMessage = { type: 'openSource' };
      if (isStr(raw.workflowName) && raw.workflowName) msg.workflowName = raw.workflowName;
      if (isStr(raw.stepName) && raw.stepName) msg.stepName = raw.stepName;
      if (isStr(raw.callId) && raw.callId) msg.callId = raw.callId;
      return msg;
    }
    case 'openFile':
      if (!isStr(raw.path) || raw.path.length === 0 || !isIndex(raw.line)) return undefined;
      return { type: 'openFile', path: raw.path, line: raw.line };
    default:
      return undefined;
  }
}
