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
  codeLenses: "empathy/codeLenses",
  didChangeAlerts: "empathy/didChangeAlerts",
  setBudget: "empathy/setBudget",
  didChangeBudgets: "empathy/didChangeBudgets",
  addPrice: "empathy/addPrice",
  enableSource: "empathy/enableSource",
} as const;

/** ``empathy/activity``: a page of calls, newest first, through the whole history. */
export interface ActivityParams {
  offset?: number;
  /** default: activityLimit */
  limit?: number | null;
  filters?: Filters;
  /** the rows' cost mode (the panel's toggle); null: the workspace's */
  cost_mode?: "auto" | "writer" | "list" | null;
}

export interface ActivityResult {
  rows: CallRow[];
  total: number;
  offset: number;
}

/**
 * ``empathy/addPrice``: append a stub entry for one model to ``.empathy/prices.yaml``.
 *
 * Creates the file when it is missing; writes nothing else (never a telemetry file).
 */
export interface AddPriceParams {
  model: string;
  provider?: string | null;
}

/** Where the stub was written: open ``path`` at ``line`` (1-based, the stub's first line). */
export interface AddPriceResult {
  path: string;
  line: number;
  /** prices.yaml did not exist before */
  created: boolean;
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
  /** USD in the view's cost mode; null: unpriced (or not a number) */
  cost: number | null;
  /** where the cost comes from; null: the record's own figure */
  cost_source: "actual" | "writer" | "list" | "free" | "unpriced" | "subscription" | null;
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

/** ``empathy.codeLens.*``: cost above each workflow definition in the editor. */
export interface CodeLensSettings {
  /** Show cost, runs, errors and p95 above workflow definitions once the workspace has telemetry. */
  enabled?: boolean;
  /** The window the lenses and hovers report. */
  range?: "today" | "7d" | "30d";
}

/** ``empathy/codeLenses``: the workflows one document defines or names, with their numbers. */
export interface CodeLensesParams {
  /** file URI of the document (inside the workspace) */
  uri: string;
  /** default: the codeLens.range setting */
  range?: "today" | "7d" | "30d" | null;
  /** Pin 'now' (tests); the extension omits it */
  now?: string | null;
}

export interface CodeLensesResult {
  uri: string;
  range: "today" | "7d" | "30d";
  /** ISO 8601 start of the window */
  since: string | null;
  /** ISO 8601 'now' the window was resolved at */
  now: string;
  lenses: WorkflowLens[];
  mentions: WorkflowMention[];
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
  /** calls unpriced in the view's cost mode: their cost is not in the total (never $0) */
  unpriced_calls: number;
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
  /** the cost column's mode; null: the workspace's cost_mode */
  cost_mode?: "auto" | "writer" | "list" | null;
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
  step: FilterOption[];
  project: FilterOption[];
  user: FilterOption[];
  session: FilterOption[];
  source: FilterOption[];
  unlisted: Record<string, number>;
}

/** Exact-match filters; a missing or null field matches anything. */
export interface Filters {
  workflow?: string | null;
  provider?: string | null;
  tier?: string | null;
  model?: string | null;
  /** a call's step_name; runs have none, so run counts are 0 */
  step?: string | null;
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

/**
 * One workflow (or step) in one period, as ``empathy telemetry --workflow W --json`` has it:
 * calls/errors/total_cost/p95_latency_ms of ``overview``, runs = ``savings.workflow_count``.
 */
export interface LensNumbers {
  calls: number;
  errors: number;
  runs: number;
  /** dollars */
  cost: number;
  /** percent of calls; null without calls */
  errorRate: number | null;
  p95LatencyMs: number | null;
}

/** The numbers of a lens and their display text (formatted by the sidecar, shown as is). */
export interface LensStats {
  current: LensNumbers;
  /** the period of equal length before */
  previous: LensNumbers | null;
  /** null when the previous cost is 0 */
  costChangePercent: number | null;
  /** e.g. '$10.42 · 178 runs · 3.8% errors · p95 5.1 s · 7d ▲12%' */
  text: string;
  /** lines for a hover (plain text) */
  detail: string[];
}

/** One (provider, model) seen in the window. */
export interface ModelPrice {
  model: string;
  provider: string;
  calls: number;
  /** uncached input + output + cache read + cache write */
  tokens: number;
  /** where the list price comes from */
  source: "prices.yaml" | "catalog" | "local" | "unpriced";
  /** the catalogue id or prices.yaml pattern used */
  priced_as: string | null;
  /** the prices.yaml line of that entry */
  line: number | null;
  /** start of the price period (ISO 8601), if dated */
  valid_from: string | null;
  rate: PriceRate | null;
  /** sum of the writer's estimated_cost (USD) */
  writer_cost: number;
  /** the same calls at list price; null if unpriced */
  list_cost: number | null;
  /** (writer - list) / list x 100 */
  difference_pct: number | null;
  /** |difference_pct| > 10 */
  flagged: boolean;
  /** calls of this model unpriced in the view's mode */
  unpriced_calls: number;
  /** for a flagged model: 'your writer prices M 2.0× the list price since DATE' */
  note: string | null;
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
  /** calls with tokens but no price anywhere (not added to total_cost) */
  unpriced_calls: number;
  unpriced_tokens: number;
  /** by calls, then model */
  unpriced_models: UnpricedModel[];
  cache_read_tokens: number;
  /** 5-minute and 1-hour cache writes */
  cache_write_tokens: number;
  /** percent: cache read / (uncached input + cache read + cache write) */
  cache_hit_rate: number | null;
  /** USD caching saved at list price (cache reads at the cache-read rate, not the input rate) */
  cache_savings: number;
  /** calls of sources billed by subscription (monitoring.yaml sources:) */
  subscription_calls: number;
  /** USD list-price equivalent of the subscription calls: what they would cost per token; not money spent, never in total_cost */
  subscription_value: number;
}

/** The list rates (USD per million tokens) that price the model's latest call in the window. */
export interface PriceRate {
  input: number | null;
  output: number | null;
  cache_read: number | null;
  /** 5-minute cache write */
  cache_write: number | null;
  cache_write_1h: number | null;
  /** a higher rate applies above some input tokens per call */
  tiered: boolean;
}

export interface PricesInfo {
  /** the mode this view's dollars are in */
  cost_mode: "auto" | "writer" | "list";
  /** cost_mode of .empathy/monitoring.yaml */
  workspace_cost_mode: "auto" | "writer" | "list";
  /** models in the window priced by prices.yaml */
  overrides: number;
  /** path of prices.yaml when it exists */
  prices_file: string | null;
  /** prices.yaml problems, each 'prices.yaml:LINE: ...' */
  errors: string[];
  /** genai-prices version of the bundled list prices */
  catalog: string;
  /** calls and cost per cost source in the view's mode ('subscription': the list-price equivalent of calls on a subscription plan, not money spent) */
  sources: Record<string, SourceStats>;
  /** every model in the window, by calls */
  models: ModelPrice[];
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
  /** Coding agents whose usage logs are read (opt-in): claude-code, codex, gemini-cli, copilot. Nothing of theirs is opened until listed here. */
  sources?: string[];
  /** Run the local OTLP/HTTP receiver (127.0.0.1 only) inside the sidecar. */
  otlpReceiver?: boolean;
  /** Port of the local OTLP receiver. */
  otlpReceiverPort?: number;
  /** Internal (sent by the extension): false in an untrusted workspace, where alerts are evaluated and shown but no action from alerts.yaml runs. */
  alertActions?: boolean;
  /** empathy.codeLens.enabled / empathy.codeLens.range (codeLenses' default range). */
  codeLens?: CodeLensSettings;
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
  prices: PricesInfo;
  circuit_breakers: Record<string, CircuitBreaker>;
  /** the values of each filter in the window (unfiltered), with calls and cost: every workflow/provider/tier/model; the top project/user/session/source values by cost (the applied one included) and how many more are unlisted (empathy/dimensionValues) */
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
  /** this view's cost mode (the panel's toggle); null: the workspace's cost_mode */
  cost_mode?: "auto" | "writer" | "list" | null;
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

export interface SourceStats {
  calls: number;
  cost: number;
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

export interface UnpricedModel {
  model: string;
  provider: string;
  calls: number;
  tokens: number;
}

export interface WindowInfo {
  range: "today" | "7d" | "30d" | "all" | "custom";
  since: string | null;
  until: string | null;
  now: string;
  timezone: string;
}

/** A lens above a workflow's (or one of its steps') definition; ``line`` is 1-based. */
export interface WorkflowLens {
  workflow: string;
  step: string | null;
  line: number;
  stats: LensStats;
}

/** A string literal naming a known workflow: 0-based line, UTF-16 columns [start, end). */
export interface WorkflowMention {
  workflow: string;
  line: number;
  start: number;
  end: number;
  stats: LensStats;
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
  "empathy/codeLenses": { params: CodeLensesParams; result: CodeLensesResult };
  "empathy/addPrice": { params: AddPriceParams; result: AddPriceResult };
  "empathy/dimensionValues": { params: DimensionValuesParams; result: DimensionValuesResult };
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
