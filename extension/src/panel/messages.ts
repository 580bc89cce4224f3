/**
 * What the extension accepts from the webview. The messages themselves (`ExtensionMessage`,
 * `WebviewMessage`) are declared once, in the shared protocol (`@protocol`); a webview is untrusted
 * input, so everything that arrives from it is checked and sanitised here before anything acts on it.
 */
import { FILTER_KEYS, SETUP_ACTIONS, isCostMode, isRange, isSearchedDimension, type Filters, type SetupAction, type WebviewMessage } from '@protocol';
import { isModelId } from '../prices';

const MAX_STRING = 4096;
export const MAX_PAGE = 1000;
/** The most values one dimensionValues search returns (the sidecar's own bound). */
export const MAX_VALUES = 500;
const MAX_PREFIX = 200;

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
/** A source name as the sidecar spells them (`claude-code`); the sidecar checks it is known. */
function isSourceName(v: unknown): v is string {
  return typeof v === 'string' && /^[a-z][a-z0-9-]{0,63}$/.test(v);
}
function isIndex(v: unknown, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
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
    case 'setBudget':
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
      // Absent (or null): the view follows the workspace's cost_mode.
      if (raw.costMode !== undefined && raw.costMode !== null && !isCostMode(raw.costMode)) return undefined;
      return isCostMode(raw.costMode)
        ? { type: 'setView', range: raw.range, filters, costMode: raw.costMode }
        : { type: 'setView', range: raw.range, filters };
    }
    case 'addPrice': {
      // The id goes into a YAML file: one line, no control characters, bounded.
      if (!isModelId(raw.model)) return undefined;
      if (raw.provider !== undefined && raw.provider !== null && raw.provider !== '' && !isModelId(raw.provider)) return undefined;
      return isModelId(raw.provider)
        ? { type: 'addPrice', model: raw.model, provider: raw.provider }
        : { type: 'addPrice', model: raw.model };
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
    case 'dimensionValues':
      if (!isSearchedDimension(raw.dimension) || !isStr(raw.prefix) || raw.prefix.length > MAX_PREFIX) return undefined;
      if (!isIndex(raw.limit, MAX_VALUES) || raw.limit === 0) return undefined;
      return { type: 'dimensionValues', dimension: raw.dimension, prefix: raw.prefix, limit: raw.limit };
    case 'enableSource':
    case 'dismissOffer':
      if (!isSourceName(raw.source)) return undefined;
      return { type: raw.type, source: raw.source };
    case 'openFile':
      if (!isStr(raw.path) || raw.path.length === 0 || !isIndex(raw.line)) return undefined;
      return { type: 'openFile', path: raw.path, line: raw.line };
    default:
      return undefined;
  }
}
