/**
 * Messages between the extension and the webview (docs/dev/PANEL_CONTRACT.md), validated on receipt.
 *
 * Incoming messages are a discriminated union on `type`; `parseIncoming` returns the typed message
 * or null (with a console warning) for anything unknown or malformed, so a renamed field fails loudly
 * in the console instead of silently rendering `undefined`.
 */
import type {
  ActivityPage,
  AlertRuleStatus,
  AlertsStatus,
  CallRow,
  CircuitBreaker,
  CostPoint,
  Delta,
  Deltas,
  ErrorDay,
  ErrorHour,
  Errors,
  Fallback,
  Filters,
  Health,
  HealthFile,
  HealthProblem,
  ModelStats,
  Overview,
  ProviderStats,
  Range,
  Savings,
  Snapshot,
  SnapshotUpdate,
  SnapshotWindow,
  TierStats,
  WorkflowStats,
} from './protocol';
import {
  arr,
  bool,
  failAt,
  isRecordObject,
  lastFailurePath,
  literal,
  nullable,
  num,
  obj,
  optional,
  rec,
  resetFailurePath,
  str,
  type Guard,
} from './guards';

export type ConnectionState = 'starting' | 'ready' | 'reconnecting' | 'error';

/** The extension's set-up state (extension/src/setup/state.ts): rendered as given. */
export type SetupKind = 'noPython' | 'pythonTooOld' | 'packageMissing' | 'installing' | 'failed' | 'cancelled' | 'sidecarTooOld';
export type SetupAction = 'createEnv' | 'retry' | 'cancel' | 'chooseInterpreter' | 'openSettings' | 'showLogs';
export interface SetupView {
  kind: SetupKind;
  title: string;
  message: string;
  detail?: string;
  progress?: string;
  actions: { action: SetupAction; label: string }[];
}

export type IncomingMessage =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'update'; update: SnapshotUpdate }
  | ({ type: 'activityPage' } & ActivityPage)
  | { type: 'status'; state: ConnectionState; message?: string }
  | { type: 'health'; health: Health }
  | { type: 'exported'; path: string; rows: number }
  | { type: 'notice'; level: 'info' | 'error'; message: string }
  | { type: 'uiState'; range: Range; filters: Filters }
  | { type: 'alerts'; alerts: AlertsStatus }
  | { type: 'historyCleared'; archiveDir: string; moved: string[] }
  | { type: 'historyRestored'; archiveDir: string; restored: string[] }
  | { type: 'refreshed'; durationMs: number; records: number }
  | { type: 'setup'; setup: SetupView | null };

export type OutgoingMessage =
  | { type: 'ready' }
  | { type: 'setView'; range: Range; filters: Filters }
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
  | { type: 'setupAction'; action: SetupAction };

// ---- shape guards ---------------------------------------------------------------------------

export const isRange: Guard<Range> = literal('today', '7d', '30d', 'all');

export const isFilters: Guard<Filters> = obj<Filters>({
  workflow: optional(nullable(str)),
  provider: optional(nullable(str)),
  tier: optional(nullable(str)),
  model: optional(nullable(str)),
});

export const isCallRow: Guard<CallRow> = obj<CallRow>({
  call_id: str,
  timestamp: str,
  workflow_name: nullable(str),
  step_name: nullable(str),
  provider: str,
  model_id: str,
  tier: str,
  task_type: nullable(str),
  cost: nullable(num),
  input_tokens: num,
  output_tokens: num,
  latency_ms: num,
  success: bool,
  error_type: nullable(str),
  error_message: nullable(str),
  fallback_used: bool,
  fallback_chain: arr(str),
  retry_count: num,
  session_id: nullable(str),
  user_id: nullable(str),
  run_id: nullable(str),
  source_file: nullable(str),
  source_line: nullable(num),
});

export const isOverview: Guard<Overview> = obj<Overview>({
  calls: num,
  errors: num,
  success_rate: nullable(num),
  total_cost: num,
  input_tokens: num,
  output_tokens: num,
  avg_latency_ms: nullable(num),
  p50_latency_ms: nullable(num),
  p95_latency_ms: nullable(num),
  active_workflows: num,
});

const isWindow: Guard<SnapshotWindow> = obj<SnapshotWindow>({
  range: isRange,
  since: nullable(str),
  until: nullable(str),
  now: str,
  timezone: str,
});

const isCostPoint: Guard<CostPoint> = obj<CostPoint>({
  date: str,
  cost: num,
  calls: num,
  errors: num,
  input_tokens: num,
  output_tokens: num,
  by_provider: rec(num),
});

const isProviderStats: Guard<ProviderStats> = obj<ProviderStats>({
  call_count: num,
  total_tokens: num,
  total_cost: num,
  error_count: num,
  avg_latency_ms: nullable(num),
  input_tokens: num,
  output_tokens: num,
});

const isTierStats: Guard<TierStats> = obj<TierStats>({
  count: num,
  cost: num,
  tokens: num,
  percent: num,
  error_count: num,
  avg_latency_ms: nullable(num),
  p95_latency_ms: nullable(num),
});

const isModelStats: Guard<ModelStats> = obj<ModelStats>({
  call_count: num,
  total_tokens: num,
  total_cost: num,
  error_count: num,
  avg_latency_ms: nullable(num),
  provider: str,
  tier: str,
});

const isWorkflowStats: Guard<WorkflowStats> = obj<WorkflowStats>({
  workflow_name: str,
  total_cost: num,
  run_count: num,
  avg_cost: num,
  total_savings: num,
  avg_duration_ms: nullable(num),
  source: literal('runs', 'calls'),
});

const isSavings: Guard<Savings> = obj<Savings>({
  workflow_count: num,
  total_actual_cost: num,
  total_baseline_cost: num,
  total_savings: num,
  savings_percent: num,
  avg_cost_per_workflow: num,
});

const isFallback: Guard<Fallback> = obj<Fallback>({
  total_calls: num,
  fallback_count: num,
  fallback_percent: num,
  error_count: num,
  error_rate: num,
  by_original_provider: rec(num),
  top_chains: arr(obj({ chain: arr(str), count: num })),
});

const isErrorDay: Guard<ErrorDay> = obj<ErrorDay>({ date: str, calls: num, errors: num, error_rate: num });
const isErrorHour: Guard<ErrorHour> = obj<ErrorHour>({ hour: str, calls: num, errors: num, error_rate: num });

const isErrors: Guard<Errors> = obj<Errors>({
  total: num,
  error_rate: num,
  by_type: rec(num),
  by_day: arr(isErrorDay),
  by_hour: nullable(arr(isErrorHour)),
  retries: obj({ total_retries: num, calls_with_retries: num, retry_rate: num }),
});

const isCircuitBreaker: Guard<CircuitBreaker> = obj<CircuitBreaker>({
  state: literal('closed', 'open', 'half-open'),
  updated_at: nullable(str),
  last_opened_at: nullable(str),
});

const isDelta: Guard<Delta> = obj<Delta>({ previous: nullable(num), change: nullable(num), percent: nullable(num) });

const isDeltas: Guard<Deltas> = obj<Deltas>({
  total_cost: isDelta,
  calls: isDelta,
  success_rate: isDelta,
  avg_latency_ms: isDelta,
  input_tokens: isDelta,
  output_tokens: isDelta,
  active_workflows: isDelta,
});

const isAlertRule: Guard<AlertRuleStatus> = obj<AlertRuleStatus>({
  name: str,
  metric: str,
  state: literal('ok', 'pending', 'firing', 'disabled', 'invalid'),
  severity: str,
  lastValue: nullable(num),
  threshold: num,
  lastFiredAt: nullable(str),
});

export const isAlertsStatus: Guard<AlertsStatus> = obj<AlertsStatus>({
  enabled: bool,
  configPath: str,
  rules: arr(isAlertRule),
  errors: arr(str),
  failingChannels: arr(str),
});

const isHealthProblem: Guard<HealthProblem> = obj<HealthProblem>({ line: num, kind: str, reason: str });

const isHealthFile: Guard<HealthFile> = obj<HealthFile>({
  path: str,
  records: num,
  malformed: num,
  salvaged: num,
  flagged: num,
  read_error: nullable(str),
  problems: arr(isHealthProblem),
});

export const isHealth: Guard<Health> = obj<Health>({
  records: num,
  malformed: num,
  salvaged: num,
  flagged: num,
  files: arr(isHealthFile),
  dirs: arr(obj({ path: str, exists: bool })),
});

/** Guards per snapshot section; also used to validate the sections of an `update`. */
const SECTION_GUARDS: { [K in Exclude<keyof Snapshot, 'version'>]-?: Guard<Snapshot[K]> } = {
  window: isWindow,
  overview: isOverview,
  previous: nullable(isOverview),
  cost_series: arr(isCostPoint),
  by_provider: rec(isProviderStats),
  by_tier: rec(isTierStats),
  by_model: rec(isModelStats),
  top_workflows: arr(isWorkflowStats),
  savings: isSavings,
  fallback: isFallback,
  errors: isErrors,
  circuit_breakers: rec(isCircuitBreaker),
  recent_calls: arr(isCallRow),
  health: isHealth,
  deltas: isDeltas,
  alerts: nullable(isAlertsStatus),
  retention_days: num,
};

export const isSnapshot: Guard<Snapshot> = obj<Snapshot>({ version: num, ...SECTION_GUARDS });

/** Known sections must be valid; unknown sections are allowed (and ignored by the reducer). */
export const isSnapshotUpdate: Guard<SnapshotUpdate> = (v): v is SnapshotUpdate => {
  if (!isRecordObject(v) || !num(v.version) || !num(v.baseVersion) || !isRecordObject(v.changed)) {
    return false;
  }
  const changed = v.changed;
  const valid = Object.entries(SECTION_GUARDS).every(
    ([key, guard]) => !(key in changed) || (guard as Guard<unknown>)(changed[key]) || failAt(key),
  );
  return valid || failAt('changed');
};

const isSetupAction: Guard<SetupAction> = literal('createEnv', 'retry', 'cancel', 'chooseInterpreter', 'openSettings', 'showLogs');

export const isSetupView: Guard<SetupView> = obj<SetupView>({
  kind: literal('noPython', 'pythonTooOld', 'packageMissing', 'installing', 'failed', 'cancelled', 'sidecarTooOld'),
  title: str,
  message: str,
  detail: optional(str),
  progress: optional(str),
  actions: arr(obj({ action: isSetupAction, label: str })),
});

const MESSAGE_GUARDS: { [K in IncomingMessage['type']]: Guard<Extract<IncomingMessage, { type: K }>> } = {
  snapshot: obj({ type: literal('snapshot'), snapshot: isSnapshot }),
  update: obj({ type: literal('update'), update: isSnapshotUpdate }),
  activityPage: obj({ type: literal('activityPage'), rows: arr(isCallRow), total: num, offset: num }),
  status: obj({
    type: literal('status'),
    state: literal('starting', 'ready', 'reconnecting', 'error'),
    message: optional(str),
  }),
  health: obj({ type: literal('health'), health: isHealth }),
  exported: obj({ type: literal('exported'), path: str, rows: num }),
  notice: obj({ type: literal('notice'), level: literal('info', 'error'), message: str }),
  uiState: obj({ type: literal('uiState'), range: isRange, filters: isFilters }),
  alerts: obj({ type: literal('alerts'), alerts: isAlertsStatus }),
  historyCleared: obj({ type: literal('historyCleared'), archiveDir: str, moved: arr(str) }),
  historyRestored: obj({ type: literal('historyRestored'), archiveDir: str, restored: arr(str) }),
  refreshed: obj({ type: literal('refreshed'), durationMs: num, records: num }),
  setup: obj({ type: literal('setup'), setup: nullable(isSetupView) }),
};

export const isIncomingMessage: Guard<IncomingMessage> = (v): v is IncomingMessage => {
  if (!isRecordObject(v) || typeof v.type !== 'string' || !Object.hasOwn(MESSAGE_GUARDS, v.type)) {
    return false;
  }
  const guard = MESSAGE_GUARDS[v.type as IncomingMessage['type']] as Guard<IncomingMessage>;
  return guard(v);
};

/** The typed message, or null (and a console warning) when `data` is unknown or malformed. */
export function parseIncoming(data: unknown): IncomingMessage | null {
  resetFailurePath();
  if (isIncomingMessage(data)) return data;
  const type = isRecordObject(data) && typeof data.type === 'string' ? data.type : typeof data;
  const where = lastFailurePath();
  console.warn(`[empathy] ignored an unknown or malformed message (type: ${type}${where ? `, at: ${where}` : ''})`);
  return null;
}
