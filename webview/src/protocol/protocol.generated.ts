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
  didFireAlert: "empathy/didFireAlert",
  didChangeAlerts: "empathy/didChangeAlerts",
  setBudget: "empathy/setBudget",
  didChangeBudgets: "empathy/didChangeBudgets",
  enableSource: "empathy/enableSource",
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

/** One unusual day of one workflow or provider, for the cost chart. */
export interface AnomalyMarker {
  /** workflow | provider */
  kind: string;
  key: string;
  /** local day, YYYY-MM-DD (the cost_series dates) */
  date: string;
  cost: number;
  median: number;
  ratio: number;
  score: number;
  /** 'code-review: $41 on Nov 27, 6.2× its usual' */
  text: string;
}

export interface BudgetLevel {
  percent: number;
  /** queued once in this period (fires once per period) */
  fired: boolean;
  /** ISO 8601 (UTC) */
  fired_at: string | null;
  /** the tick's place on the bar, 0..1 of scale */
  position: number;
}

/** One budget in the current period (money in USD). */
export interface BudgetStatus {
  name: string;
  period: string;
  scope: Record<string, string>;
  /** ISO 8601 (UTC) */
  period_start: string;
  /** ISO 8601 (UTC), exclusive */
  period_end: string;
  amount: number;
  spent: number;
  /** budget_percent: spent / amount x 100 */
  percent: number;
  projected: number;
  /** 80% interval of the period-end spend */
  low: number;
  high: number;
  /** projected / amount x 100 */
  forecast_percent: number;
  /** ISO 8601: when the projection crosses the amount */
  run_out: string | null;
  /** spend in the last hour */
  burn_hour: number;
  /** spend in the last 24 hours */
  burn_day: number;
  /** spend in the last 7 days / 7 */
  burn_week_daily: number;
  unpriced_calls: number;
  /** ok | warning (a level fired) | over (spent >= amount) */
  state: string;
  /** '$12.40 of $200 this month' */
  headline: string;
  /** 'runs out Dec 19 at this rate' or 'on track: ~$142 of $200' */
  outlook: string;
  burn_text: string;
  interval_text: string;
  /** '+ 3 unpriced calls not included' or '' */
  unpriced_text: string;
  /** USD at the bar's right end */
  scale: number;
  /** 0..1 of scale */
  spent_pos: number;
  projected_pos: number;
  low_pos: number;
  high_pos: number;
  levels: BudgetLevel[];
  method: string;
  history_days: number;
}

/** ``Snapshot.budgets``: every budget of budgets.yaml now, and the cost chart's anomalies. */
export interface BudgetsSection {
  /** budgets.yaml exists */
  exists: boolean;
  config_path: string;
  budgets: BudgetStatus[];
  /** budgets.yaml problems, each 'budgets.yaml:LINE: ...' */
  errors: string[];
  /** '$X of $Y this month' (the first month budget) */
  status_text: string | null;
  /** this process queues level notifications (trusted) */
  can_fire: boolean;
  anomalies: AnomalyMarker[];
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

/** Requests without parameters (``{}`` or null). */
export type EmptyParams = Record<string, unknown>;

/** ``empathy/enableSource``: the user accepted an offer (the panel's "Show"). */
export interface EnableSourceParams {
  source: string;
}

/** What ``empathy.sources`` becomes; the extension writes it (it owns the settings). */
export interface EnableSourceResult {
  source: string;
  label: string;
  /** the new value of the empathy.sources setting */
  sources: string[];
}

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

/** ``empathy/setBudget``: add or replace one budget in budgets.yaml ("Set budget…"). */
export interface SetBudgetParams {
  name: string;
  /** US dollars */
  amount: number;
  period?: "day" | "week" | "month";
  workflow?: string | null;
  provider?: string | null;
  tier?: string | null;
  model?: string | null;
}

export interface SetBudgetResult {
  configPath: string;
  name: string;
}

/** ``initializationOptions`` and ``workspace/didChangeConfiguration`` settings. */
export interface Settings {
  /** Telemetry directories; default <workspace>/.empathy (or .attune if only it exists). */
  telemetryDirs?: string[] | null;
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
  /** Coding agents whose usage logs are read (opt-in): claude-code, codex, gemini-cli, copilot. Nothing of theirs is opened until listed here. */
  sources?: string[];
  /** Run the local OTLP/HTTP receiver (127.0.0.1 only) inside the sidecar. */
  otlpReceiver?: boolean;
  /** Port of the local OTLP receiver. */
  otlpReceiverPort?: number;
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
  /** budgets and the cost chart's anomaly markers; null only if evaluation failed */
  budgets: BudgetsSection | null;
  /** agents' folders found for this workspace whose source is not enabled */
  offers: SourceOffer[];
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

/** A coding agent's folder that may hold this workspace's usage (found by stat, unread). */
export interface SourceOffer {
  /** the empathy.sources value that enables it, e.g. claude-code */
  source: string;
  /** e.g. Claude Code */
  label: string;
  /** the folder or file found */
  path: string;
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
  "empathy/setBudget": { params: SetBudgetParams; result: SetBudgetResult };
  "empathy/enableSource": { params: EnableSourceParams; result: EnableSourceResult };
}

/** Each notification's params (sidecar -> client). */
export interface Notifications {
  "empathy/didUpdate": DidUpdateParams;
  "empathy/didChangeHealth": Health;
  "empathy/didFireAlert": DidFireAlertParams;
  "empathy/didChangeAlerts": AlertsStatus;
  "empathy/didChangeBudgets": BudgetsSection;
}
