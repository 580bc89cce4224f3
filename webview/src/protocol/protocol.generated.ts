// generated — do not edit.
// Source: python/empathy_monitor/sidecar/protocol.py (and settings.py) via scripts/gen_protocol.
// Regenerate with `scripts/gen_protocol`; `scripts/gen_protocol --check` fails on drift.
/* eslint-disable */

/** JSON-RPC method names (requests: empathy/<verb>; notifications: empathy/did<Thing>). */
export const Methods = {
  snapshot: "empathy/snapshot",
  activity: "empathy/activity",
  exportCsv: "empathy/exportCsv",
  resolveSource: "empathy/resolveSource",
  generateDemo: "empathy/generateDemo",
  didUpdate: "empathy/didUpdate",
  didChangeHealth: "empathy/didChangeHealth",
  refresh: "empathy/refresh",
  clearHistory: "empathy/clearHistory",
  undoClearHistory: "empathy/undoClearHistory",
  alerts: "empathy/alerts",
  testAlert: "empathy/testAlert",
  checkAlerts: "empathy/checkAlerts",
  initAlerts: "empathy/initAlerts",
  alertMetrics: "empathy/alertMetrics",
  callDetail: "empathy/callDetail",
  dimensionValues: "empathy/dimensionValues",
  didFireAlert: "empathy/didFireAlert",
  didChangeAlerts: "empathy/didChangeAlerts",
} as const;

/** ``empathy/activity``: a page of calls, newest first, through the whole history. */
export interface ActivityParams {
  offset?: number;
  /** default: activityLimit */
  limit?: number | null;
  filters?: Filters;
}

export interface ActivityResult {
  rows: CallRow[];
  total: number;
  offset: number;
}

/** A button on the VS Code notification; ``args`` is left out when the command takes none. */
export interface AlertButton {
  title: string;
  command: string;
  args?: AlertButtonArgs | null;
}

export interface AlertButtonArgs {
  workflowName: string;
}

/** One metric the alerts wizard offers (the catalogue lives in ``alerts/rules.py``). */
export interface AlertMetric {
  metric: string;
  label: string;
  unit: string;
  example: string;
}

/** ``empathy/alertMetrics``: the metrics the "Initialize Alerts" wizard offers, in order. */
export interface AlertMetricsResult {
  metrics: AlertMetric[];
}

export interface AlertRuleStatus {
  name: string;
  metric: string;
  state: "ok" | "pending" | "firing" | "disabled" | "invalid";
  severity: string;
  lastValue: number | null;
  threshold: number;
  /** ISO 8601 (UTC) */
  lastFiredAt: string | null;
}

/** ``empathy/alerts`` result, ``empathy/didChangeAlerts`` params, ``Snapshot.alerts``. */
export interface AlertsStatus {
  enabled: boolean;
  configPath: string;
  rules: AlertRuleStatus[];
  /** alerts.yaml problems, each 'alerts.yaml:LINE: ...' */
  errors: string[];
  failingChannels: string[];
}

/** ``empathy/callDetail``: one call's whole row (snapshot and activity rows clip long text). */
export interface CallDetailParams {
  callId: string;
}

/** One LLM call as shown in the activity feed (display values; Python did any maths). */
export interface CallRow {
  call_id: string;
  /** ISO 8601 with offset */
  timestamp: string;
  workflow_name: string | null;
  step_name: string | null;
  provider: string;
  model_id: string;
  tier: string;
  task_type: string | null;
  cost: number | null;
  input_tokens: number;
  output_tokens: number;
  latency_ms: number;
  success: boolean;
  error_type: string | null;
  error_message: string | null;
  fallback_used: boolean;
  fallback_chain: string[];
  retry_count: number;
  session_id: string | null;
  user_id: string | null;
  run_id: string | null;
  source_file: string | null;
  source_line: number | null;
}

export interface CheckAlertsResult {
  evaluated: number;
  fired: number;
  resolved: number;
}

export interface CircuitBreaker {
  state: "closed" | "open" | "half-open";
  updated_at: string | null;
  last_opened_at: string | null;
}

export interface ClearHistoryResult {
  archiveDir: string;
  moved: string[];
}

export interface CostPoint {
  /** local day, YYYY-MM-DD */
  date: string;
  cost: number;
  calls: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  by_provider: Record<string, number>;
}

/** One headline number against the previous period of equal length. */
export interface Delta {
  previous: number | null;
  /** current - previous (percentage points for rates) */
  change: number | null;
  /** change / previous x 100; null when previous is 0 */
  percent: number | null;
}

export interface Deltas {
  total_cost: Delta;
  calls: Delta;
  success_rate: Delta;
  avg_latency_ms: Delta;
  input_tokens: Delta;
  output_tokens: Delta;
  active_workflows: Delta;
}

/** ``empathy/didFireAlert``: one alert fired (or resolved); the extension only displays it. */
export interface DidFireAlertParams {
  level: "information" | "warning" | "error";
  message: string;
  rule: string;
  value: number | null;
  threshold: number;
  workflow_name: string | null;
  provider: string | null;
  resolved: boolean;
  buttons: AlertButton[];
}

/** ``empathy/didUpdate``: apply only when baseVersion equals the version you hold. */
export interface DidUpdateParams {
  version: number;
  baseVersion: number;
  /** only the sections whose value changed (same shapes as in Snapshot) */
  changed: Record<string, unknown>;
}

export interface DimensionStats {
  call_count: number;
  total_tokens: number;
  total_cost: number;
  error_count: number;
  avg_latency_ms: number | null;
}

/**
 * ``empathy/dimensionValues``: search the values of a dimension in the current window
 * (unfiltered), for a dropdown of more values than the snapshot carries (users, sessions).
 */
export interface DimensionValuesParams {
  dimension: "workflow" | "provider" | "tier" | "model" | "project" | "user" | "session" | "source";
  /** case-insensitive */
  prefix?: string;
  limit?: number;
}

export interface DimensionValuesResult {
  dimension: string;
  /** by cost; values starting with prefix first */
  values: FilterOption[];
  /** how many values match (values holds at most limit) */
  total: number;
}

/** Requests without parameters (``{}`` or null). */
export type EmptyParams = Record<string, unknown>;

export interface ErrorDay {
  date: string;
  calls: number;
  errors: number;
  error_rate: number;
}

export interface ErrorHour {
  hour: string;
  calls: number;
  errors: number;
  error_rate: number;
}

export interface Errors {
  total: number;
  error_rate: number;
  by_type: Record<string, number>;
  by_day: ErrorDay[];
  by_hour: ErrorHour[] | null;
  retries: Retries;
}

/** ``empathy/exportCsv``: write the window's calls as CSV to a path inside the workspace. */
export interface ExportCsvParams {
  range?: "today" | "7d" | "30d" | "all";
  since?: string | null;
  until?: string | null;
  now?: string | null;
  filters?: Filters;
  /** absolute, or relative to the workspace */
  path: string;
  /** the user confirmed replacing an existing file (never a telemetry file) */
  overwrite?: boolean;
}

export interface ExportCsvResult {
  path: string;
  rows: number;
}

export interface Fallback {
  total_calls: number;
  fallback_count: number;
  fallback_percent: number;
  error_count: number;
  error_rate: number;
  by_original_provider: Record<string, number>;
  top_chains: FallbackChain[];
}

export interface FallbackChain {
  chain: string[];
  count: number;
}

export interface FilterOption {
  value: string;
  calls: number;
  cost: number;
}

export interface FilterOptions {
  workflow: FilterOption[];
  provider: FilterOption[];
  tier: FilterOption[];
  model: FilterOption[];
}

/** Exact-match filters; a missing or null field matches anything. */
export interface Filters {
  workflow?: string | null;
  provider?: string | null;
  tier?: string | null;
  model?: string | null;
  /** '(none)': records without one */
  project?: string | null;
  user?: string | null;
  session?: string | null;
  /** the log a record came from */
  source?: string | null;
}

/** ``empathy/generateDemo``: write sample telemetry into the first telemetry directory. */
export interface GenerateDemoParams {
  calls?: number;
  days?: number;
}

export interface GenerateDemoResult {
  calls: number;
  runs: number;
  dir: string;
}

/**
 * Data health: counts, located problems per file, and which directories exist.
 *
 * Sent as the params of ``empathy/didChangeHealth`` when problems appear or clear.
 */
export interface Health {
  records: number;
  malformed: number;
  salvaged: number;
  flagged: number;
  files: HealthFile[];
  dirs: HealthDir[];
  /** shared folders read for this project's runs only */
  scopes: HealthScope[];
}

export interface HealthDir {
  path: string;
  exists: boolean;
}

export interface HealthFile {
  path: string;
  records: number;
  malformed: number;
  salvaged: number;
  flagged: number;
  problems: HealthProblem[];
  read_error: string | null;
}

export interface HealthProblem {
  line: number;
  kind: string;
  reason: string;
}

/** A shared folder read for this workspace's runs only (attune-ai 16.x's home telemetry). */
export interface HealthScope {
  path: string;
  /** the project whose runs are shown */
  project: string;
  /** 'folder': the workspace folder's name; 'setting': empathy.project */
  matched_by: "folder" | "setting";
  shown_runs: number;
  /** runs of other projects, not shown */
  hidden_runs: number;
  hidden_projects: number;
}

/** ``empathy/initAlerts``: the 3-question wizard (metric, threshold, where to send). */
export interface InitAlertsParams {
  metric: string;
  threshold: number;
  channel: "webhook" | "email" | "stdout";
  /** webhook URL or email address */
  target?: string | null;
  overwrite?: boolean;
}

export interface InitAlertsResult {
  configPath: string;
}

export interface ModelStats {
  call_count: number;
  total_tokens: number;
  total_cost: number;
  error_count: number;
  avg_latency_ms: number | null;
  provider: string;
  tier: string;
}

export interface Overview {
  calls: number;
  errors: number;
  /** percent, null when no calls */
  success_rate: number | null;
  total_cost: number;
  input_tokens: number;
  output_tokens: number;
  avg_latency_ms: number | null;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  active_workflows: number;
}

export interface ProviderStats {
  call_count: number;
  total_tokens: number;
  total_cost: number;
  error_count: number;
  avg_latency_ms: number | null;
  input_tokens: number;
  output_tokens: number;
}

export interface RefreshResult {
  durationMs: number;
  /** records read (calls + runs) */
  records: number;
}

/**
 * ``empathy/resolveSource``: where a workflow (or one call's step) is defined.
 *
 * ``workflowName`` may be missing or empty when ``callId`` is given (a call without a workflow):
 * the call's own record then says where it came from.
 */
export interface ResolveSourceParams {
  workflowName?: string | null;
  stepName?: string | null;
  callId?: string | null;
}

export interface Retries {
  total_retries: number;
  calls_with_retries: number;
  retry_rate: number;
}

export interface Savings {
  workflow_count: number;
  total_actual_cost: number;
  total_baseline_cost: number;
  total_savings: number;
  savings_percent: number;
  avg_cost_per_workflow: number;
}

/** ``initializationOptions`` and ``workspace/didChangeConfiguration`` settings. */
export interface Settings {
  /** Telemetry directories; default: <workspace>/.empathy and/or .attune (whichever hold telemetry), plus attune-ai 16.x's ~/.attune/telemetry runs of this project. */
  telemetryDirs?: string[] | null;
  /** This workspace's project in attune-ai 16.x's shared ~/.attune/telemetry runs; default: the workspace folder's name. */
  project?: string;
  /** Zone of naive timestamps: local, UTC or an IANA name. */
  naiveTimezone?: string;
  /** Rows in recent_calls and the default activity page. */
  activityLimit?: number;
  /** Trailing debounce for file events (max-wait is 2x). */
  debounceMs?: number;
  /** The panel's default history (days); the sidecar never deletes data. */
  retentionDays?: number;
  /** Re-read interval used ONLY when file watching fails to start; 0 = off. */
  refreshFallbackSeconds?: number;
  /** Internal (sent by the extension): false in an untrusted workspace, where alerts are evaluated and shown but no action from alerts.yaml runs. */
  alertActions?: boolean;
}

/** The full dashboard: the keys of ``empathy telemetry --json`` plus version and previous. */
export interface Snapshot {
  /** increases with every change; didUpdate.baseVersion refers to it */
  version: number;
  window: WindowInfo;
  overview: Overview;
  /** the previous period of equal length; null for all */
  previous: Overview | null;
  cost_series: CostPoint[];
  by_provider: Record<string, ProviderStats>;
  by_tier: Record<string, TierStats>;
  by_model: Record<string, ModelStats>;
  top_workflows: WorkflowStats[];
  /** every workflow by cost (the table) */
  workflows: WorkflowStats[];
  by_project: Record<string, DimensionStats>;
  /** the top values by cost */
  by_user: Record<string, DimensionStats>;
  /** the top values by cost */
  by_session: Record<string, DimensionStats>;
  by_source: Record<string, DimensionStats>;
  /** distinct project/user/session/source values in the window */
  dimension_counts: Record<string, number>;
  savings: Savings;
  fallback: Fallback;
  errors: Errors;
  circuit_breakers: Record<string, CircuitBreaker>;
  /** every workflow/provider/tier/model in the window (unfiltered), with calls and cost */
  filter_options: FilterOptions;
  /** cost of the local day of window.now in this view (the status bar shows it) */
  today_cost: number;
  recent_calls: CallRow[];
  health: Health;
  deltas: Deltas;
  /** null when there is no alerts.yaml */
  alerts: AlertsStatus | null;
  /** the retentionDays setting (display only) */
  retention_days: number;
}

/** ``empathy/snapshot``: the view the panel shows; later didUpdates follow this view. */
export interface SnapshotParams {
  range?: "today" | "7d" | "30d" | "all";
  /** ISO 8601 start (inclusive) */
  since?: string | null;
  /** ISO 8601 end (exclusive) */
  until?: string | null;
  /** Pin 'now' (tests); the panel omits it */
  now?: string | null;
  filters?: Filters;
}

/** A file inside the workspace; ``line`` is 1-based. */
export interface SourceLocation {
  uri: string;
  line: number;
}

export interface SourceUnresolved {
  uri: null;
  reason: string;
}

/** ``empathy/testAlert``: evaluate one rule now; nothing is stored or sent. */
export interface TestAlertParams {
  rule: string;
}

export interface TestAlertResult {
  rule: string;
  value: number | null;
  threshold: number;
  breached: boolean;
  message: string;
}

export interface TierStats {
  count: number;
  cost: number;
  tokens: number;
  /** share of calls, percent */
  percent: number;
  error_count: number;
  avg_latency_ms: number | null;
  p95_latency_ms: number | null;
}

/** ``empathy/undoClearHistory``: the ``archiveDir`` a clearHistory returned. */
export interface UndoClearHistoryParams {
  archiveDir: string;
}

export interface UndoClearHistoryResult {
  restored: string[];
}

export interface WindowInfo {
  range: "today" | "7d" | "30d" | "all" | "custom";
  since: string | null;
  until: string | null;
  now: string;
  timezone: string;
}

export interface WorkflowStats {
  workflow_name: string;
  total_cost: number;
  run_count: number;
  avg_cost: number;
  total_savings: number;
  avg_duration_ms: number | null;
  /** 'runs' from workflow_runs.jsonl; 'calls' when only calls name the workflow */
  source: "runs" | "calls";
}

/** Each request's params and result. */
export interface Requests {
  "empathy/snapshot": { params: SnapshotParams; result: Snapshot };
  "empathy/activity": { params: ActivityParams; result: ActivityResult };
  "empathy/exportCsv": { params: ExportCsvParams; result: ExportCsvResult };
  "empathy/resolveSource": { params: ResolveSourceParams; result: SourceLocation | SourceUnresolved };
  "empathy/generateDemo": { params: GenerateDemoParams; result: GenerateDemoResult };
  "empathy/refresh": { params: EmptyParams; result: RefreshResult };
  "empathy/clearHistory": { params: EmptyParams; result: ClearHistoryResult };
  "empathy/undoClearHistory": { params: UndoClearHistoryParams; result: UndoClearHistoryResult };
  "empathy/alerts": { params: EmptyParams; result: AlertsStatus };
  "empathy/testAlert": { params: TestAlertParams; result: TestAlertResult };
  "empathy/checkAlerts": { params: EmptyParams; result: CheckAlertsResult };
  "empathy/initAlerts": { params: InitAlertsParams; result: InitAlertsResult };
  "empathy/alertMetrics": { params: EmptyParams; result: AlertMetricsResult };
  "empathy/callDetail": { params: CallDetailParams; result: CallRow };
  "empathy/dimensionValues": { params: DimensionValuesParams; result: DimensionValuesResult };
}

/** Each notification's params (sidecar -> client). */
export interface Notifications {
  "empathy/didUpdate": DidUpdateParams;
  "empathy/didChangeHealth": Health;
  "empathy/didFireAlert": DidFireAlertParams;
  "empathy/didChangeAlerts": AlertsStatus;
}
