// generated — do not edit.
// Source: python/empathy_monitor/sidecar/protocol.py (and settings.py) via scripts/gen_protocol.
// Regenerate with `scripts/gen_protocol`; `scripts/gen_protocol --check` fails on drift.
/* eslint-disable */
// Runtime guards: one per protocol model, from the same JSON Schema as protocol.generated.ts.
import type {
  ActivityParams,
  ActivityResult,
  AddPriceParams,
  AddPriceResult,
  AlertButton,
  AlertButtonArgs,
  AlertMetric,
  AlertMetricsResult,
  AlertRuleStatus,
  AlertsStatus,
  AnomalyMarker,
  BudgetLevel,
  BudgetStatus,
  BudgetsSection,
  CallDetailParams,
  CallRow,
  CheckAlertsResult,
  CircuitBreaker,
  ClearHistoryResult,
  CodeLensSettings,
  CodeLensesParams,
  CodeLensesResult,
  CostPoint,
  Delta,
  Deltas,
  DidFireAlertParams,
  DidUpdateParams,
  DimensionStats,
  DimensionValuesParams,
  DimensionValuesResult,
  EmptyParams,
  EnableSourceParams,
  EnableSourceResult,
  ErrorDay,
  ErrorHour,
  Errors,
  ExportCsvParams,
  ExportCsvResult,
  Fallback,
  FallbackChain,
  FilterOption,
  FilterOptions,
  Filters,
  GenerateDemoParams,
  GenerateDemoResult,
  Health,
  HealthDir,
  HealthFile,
  HealthProblem,
  HealthScope,
  InitAlertsParams,
  InitAlertsResult,
  LensNumbers,
  LensStats,
  ModelPrice,
  ModelStats,
  Notifications,
  Overview,
  PriceRate,
  PricesInfo,
  ProviderStats,
  RefreshResult,
  Requests,
  ResolveSourceParams,
  Retries,
  Savings,
  SetBudgetParams,
  SetBudgetResult,
  Settings,
  Snapshot,
  SnapshotParams,
  SourceLocation,
  SourceOffer,
  SourceStats,
  SourceUnresolved,
  TestAlertParams,
  TestAlertResult,
  TierStats,
  UndoClearHistoryParams,
  UndoClearHistoryResult,
  UnpricedModel,
  WindowInfo,
  WorkflowLens,
  WorkflowMention,
  WorkflowStats,
} from './protocol.generated';
import {
  arr,
  bool,
  bounded,
  int,
  isNull,
  isRecordObject,
  literal,
  minLength,
  nullable,
  num,
  obj,
  optional,
  rec,
  str,
  union,
  type Fields,
  type Guard,
} from './guard';

export const FiltersFields: Fields<Filters> = {
  workflow: optional(nullable(str)),
  provider: optional(nullable(str)),
  tier: optional(nullable(str)),
  model: optional(nullable(str)),
  step: optional(nullable(str)),
  project: optional(nullable(str)),
  user: optional(nullable(str)),
  session: optional(nullable(str)),
  source: optional(nullable(str)),
};
export const isFilters: Guard<Filters> = obj<Filters>(FiltersFields);

export const ActivityParamsFields: Fields<ActivityParams> = {
  offset: optional(bounded(int, 0, null)),
  limit: optional(nullable(bounded(int, 1, 1000))),
  filters: optional(isFilters),
  cost_mode: optional(nullable(literal("auto", "writer", "list"))),
};
export const isActivityParams: Guard<ActivityParams> = obj<ActivityParams>(ActivityParamsFields);

export const CallRowFields: Fields<CallRow> = {
  call_id: str,
  timestamp: str,
  workflow_name: nullable(str),
  step_name: nullable(str),
  provider: str,
  model_id: str,
  tier: str,
  task_type: nullable(str),
  cost: nullable(num),
  cost_source: nullable(literal("actual", "writer", "list", "free", "unpriced", "subscription")),
  input_tokens: union(int, num),
  output_tokens: union(int, num),
  latency_ms: union(int, num),
  success: bool,
  error_type: nullable(str),
  error_message: nullable(str),
  fallback_used: bool,
  fallback_chain: arr(str),
  retry_count: union(int, num),
  session_id: nullable(str),
  user_id: nullable(str),
  run_id: nullable(str),
  source_file: nullable(str),
  source_line: nullable(int),
};
export const isCallRow: Guard<CallRow> = obj<CallRow>(CallRowFields);

export const ActivityResultFields: Fields<ActivityResult> = {
  rows: arr(isCallRow),
  total: int,
  offset: int,
};
export const isActivityResult: Guard<ActivityResult> = obj<ActivityResult>(ActivityResultFields);

export const AddPriceParamsFields: Fields<AddPriceParams> = {
  model: minLength(str, 1),
  provider: optional(nullable(str)),
};
export const isAddPriceParams: Guard<AddPriceParams> = obj<AddPriceParams>(AddPriceParamsFields);

export const AddPriceResultFields: Fields<AddPriceResult> = {
  path: str,
  line: int,
  created: bool,
};
export const isAddPriceResult: Guard<AddPriceResult> = obj<AddPriceResult>(AddPriceResultFields);

export const AlertButtonArgsFields: Fields<AlertButtonArgs> = {
  workflowName: str,
};
export const isAlertButtonArgs: Guard<AlertButtonArgs> = obj<AlertButtonArgs>(AlertButtonArgsFields);

export const AlertButtonFields: Fields<AlertButton> = {
  title: str,
  command: str,
  args: optional(nullable(isAlertButtonArgs)),
};
export const isAlertButton: Guard<AlertButton> = obj<AlertButton>(AlertButtonFields);

export const AlertMetricFields: Fields<AlertMetric> = {
  metric: str,
  label: str,
  unit: str,
  example: str,
};
export const isAlertMetric: Guard<AlertMetric> = obj<AlertMetric>(AlertMetricFields);

export const AlertMetricsResultFields: Fields<AlertMetricsResult> = {
  metrics: arr(isAlertMetric),
};
export const isAlertMetricsResult: Guard<AlertMetricsResult> = obj<AlertMetricsResult>(AlertMetricsResultFields);

export const AlertRuleStatusFields: Fields<AlertRuleStatus> = {
  name: str,
  metric: str,
  state: literal("ok", "pending", "firing", "disabled", "invalid"),
  severity: str,
  lastValue: nullable(num),
  threshold: num,
  lastFiredAt: nullable(str),
};
export const isAlertRuleStatus: Guard<AlertRuleStatus> = obj<AlertRuleStatus>(AlertRuleStatusFields);

export const AlertsStatusFields: Fields<AlertsStatus> = {
  enabled: bool,
  configPath: str,
  rules: arr(isAlertRuleStatus),
  errors: arr(str),
  failingChannels: arr(str),
};
export const isAlertsStatus: Guard<AlertsStatus> = obj<AlertsStatus>(AlertsStatusFields);

export const AnomalyMarkerFields: Fields<AnomalyMarker> = {
  kind: str,
  key: str,
  date: str,
  cost: num,
  median: num,
  ratio: num,
  score: num,
  text: str,
};
export const isAnomalyMarker: Guard<AnomalyMarker> = obj<AnomalyMarker>(AnomalyMarkerFields);

export const BudgetLevelFields: Fields<BudgetLevel> = {
  percent: num,
  fired: bool,
  fired_at: nullable(str),
  position: num,
};
export const isBudgetLevel: Guard<BudgetLevel> = obj<BudgetLevel>(BudgetLevelFields);

export const BudgetStatusFields: Fields<BudgetStatus> = {
  name: str,
  period: str,
  scope: rec(str),
  period_start: str,
  period_end: str,
  amount: num,
  spent: num,
  percent: num,
  projected: num,
  low: num,
  high: num,
  forecast_percent: num,
  run_out: nullable(str),
  burn_hour: num,
  burn_day: num,
  burn_week_daily: num,
  unpriced_calls: int,
  state: str,
  headline: str,
  outlook: str,
  burn_text: str,
  interval_text: str,
  unpriced_text: str,
  scale: num,
  spent_pos: num,
  projected_pos: num,
  low_pos: num,
  high_pos: num,
  levels: arr(isBudgetLevel),
  method: str,
  history_days: int,
};
export const isBudgetStatus: Guard<BudgetStatus> = obj<BudgetStatus>(BudgetStatusFields);

export const BudgetsSectionFields: Fields<BudgetsSection> = {
  exists: bool,
  config_path: str,
  budgets: arr(isBudgetStatus),
  errors: arr(str),
  status_text: nullable(str),
  can_fire: bool,
  anomalies: arr(isAnomalyMarker),
};
export const isBudgetsSection: Guard<BudgetsSection> = obj<BudgetsSection>(BudgetsSectionFields);

export const CallDetailParamsFields: Fields<CallDetailParams> = {
  callId: minLength(str, 1),
};
export const isCallDetailParams: Guard<CallDetailParams> = obj<CallDetailParams>(CallDetailParamsFields);

export const CheckAlertsResultFields: Fields<CheckAlertsResult> = {
  evaluated: int,
  fired: int,
  resolved: int,
};
export const isCheckAlertsResult: Guard<CheckAlertsResult> = obj<CheckAlertsResult>(CheckAlertsResultFields);

export const CircuitBreakerFields: Fields<CircuitBreaker> = {
  state: literal("closed", "open", "half-open"),
  updated_at: nullable(str),
  last_opened_at: nullable(str),
};
export const isCircuitBreaker: Guard<CircuitBreaker> = obj<CircuitBreaker>(CircuitBreakerFields);

export const ClearHistoryResultFields: Fields<ClearHistoryResult> = {
  archiveDir: str,
  moved: arr(str),
};
export const isClearHistoryResult: Guard<ClearHistoryResult> = obj<ClearHistoryResult>(ClearHistoryResultFields);

export const CodeLensSettingsFields: Fields<CodeLensSettings> = {
  enabled: optional(bool),
  range: optional(literal("today", "7d", "30d")),
};
export const isCodeLensSettings: Guard<CodeLensSettings> = obj<CodeLensSettings>(CodeLensSettingsFields);

export const CodeLensesParamsFields: Fields<CodeLensesParams> = {
  uri: minLength(str, 1),
  range: optional(nullable(literal("today", "7d", "30d"))),
  now: optional(nullable(str)),
};
export const isCodeLensesParams: Guard<CodeLensesParams> = obj<CodeLensesParams>(CodeLensesParamsFields);

export const LensNumbersFields: Fields<LensNumbers> = {
  calls: int,
  errors: int,
  runs: int,
  cost: num,
  errorRate: nullable(num),
  p95LatencyMs: nullable(num),
};
export const isLensNumbers: Guard<LensNumbers> = obj<LensNumbers>(LensNumbersFields);

export const LensStatsFields: Fields<LensStats> = {
  current: isLensNumbers,
  previous: nullable(isLensNumbers),
  costChangePercent: nullable(num),
  text: str,
  detail: arr(str),
};
export const isLensStats: Guard<LensStats> = obj<LensStats>(LensStatsFields);

export const WorkflowLensFields: Fields<WorkflowLens> = {
  workflow: str,
  step: nullable(str),
  line: int,
  stats: isLensStats,
};
export const isWorkflowLens: Guard<WorkflowLens> = obj<WorkflowLens>(WorkflowLensFields);

export const WorkflowMentionFields: Fields<WorkflowMention> = {
  workflow: str,
  line: int,
  start: int,
  end: int,
  stats: isLensStats,
};
export const isWorkflowMention: Guard<WorkflowMention> = obj<WorkflowMention>(WorkflowMentionFields);

export const CodeLensesResultFields: Fields<CodeLensesResult> = {
  uri: str,
  range: literal("today", "7d", "30d"),
  since: nullable(str),
  now: str,
  lenses: arr(isWorkflowLens),
  mentions: arr(isWorkflowMention),
};
export const isCodeLensesResult: Guard<CodeLensesResult> = obj<CodeLensesResult>(CodeLensesResultFields);

export const CostPointFields: Fields<CostPoint> = {
  date: str,
  cost: num,
  calls: int,
  errors: int,
  input_tokens: int,
  output_tokens: int,
  by_provider: rec(num),
};
export const isCostPoint: Guard<CostPoint> = obj<CostPoint>(CostPointFields);

export const DeltaFields: Fields<Delta> = {
  previous: nullable(num),
  change: nullable(num),
  percent: nullable(num),
};
export const isDelta: Guard<Delta> = obj<Delta>(DeltaFields);

export const DeltasFields: Fields<Deltas> = {
  total_cost: isDelta,
  calls: isDelta,
  success_rate: isDelta,
  avg_latency_ms: isDelta,
  input_tokens: isDelta,
  output_tokens: isDelta,
  active_workflows: isDelta,
};
export const isDeltas: Guard<Deltas> = obj<Deltas>(DeltasFields);

export const DidFireAlertParamsFields: Fields<DidFireAlertParams> = {
  level: literal("information", "warning", "error"),
  message: str,
  rule: str,
  value: nullable(num),
  threshold: num,
  workflow_name: nullable(str),
  provider: nullable(str),
  resolved: bool,
  buttons: arr(isAlertButton),
};
export const isDidFireAlertParams: Guard<DidFireAlertParams> = obj<DidFireAlertParams>(DidFireAlertParamsFields);

export const DidUpdateParamsFields: Fields<DidUpdateParams> = {
  version: int,
  baseVersion: int,
  changed: isRecordObject,
};
export const isDidUpdateParams: Guard<DidUpdateParams> = obj<DidUpdateParams>(DidUpdateParamsFields);

export const DimensionStatsFields: Fields<DimensionStats> = {
  call_count: int,
  total_tokens: int,
  total_cost: num,
  error_count: int,
  avg_latency_ms: nullable(num),
  unpriced_calls: int,
};
export const isDimensionStats: Guard<DimensionStats> = obj<DimensionStats>(DimensionStatsFields);

export const DimensionValuesParamsFields: Fields<DimensionValuesParams> = {
  dimension: literal("workflow", "provider", "tier", "model", "project", "user", "session", "source"),
  prefix: optional(str),
  limit: optional(bounded(int, 1, 500)),
};
export const isDimensionValuesParams: Guard<DimensionValuesParams> = obj<DimensionValuesParams>(DimensionValuesParamsFields);

export const FilterOptionFields: Fields<FilterOption> = {
  value: str,
  calls: int,
  cost: num,
};
export const isFilterOption: Guard<FilterOption> = obj<FilterOption>(FilterOptionFields);

export const DimensionValuesResultFields: Fields<DimensionValuesResult> = {
  dimension: str,
  values: arr(isFilterOption),
  total: int,
};
export const isDimensionValuesResult: Guard<DimensionValuesResult> = obj<DimensionValuesResult>(DimensionValuesResultFields);

export const isEmptyParams: Guard<EmptyParams> = isRecordObject;

export const EnableSourceParamsFields: Fields<EnableSourceParams> = {
  source: minLength(str, 1),
};
export const isEnableSourceParams: Guard<EnableSourceParams> = obj<EnableSourceParams>(EnableSourceParamsFields);

export const EnableSourceResultFields: Fields<EnableSourceResult> = {
  source: str,
  label: str,
  sources: arr(str),
};
export const isEnableSourceResult: Guard<EnableSourceResult> = obj<EnableSourceResult>(EnableSourceResultFields);

export const ErrorDayFields: Fields<ErrorDay> = {
  date: str,
  calls: int,
  errors: int,
  error_rate: num,
};
export const isErrorDay: Guard<ErrorDay> = obj<ErrorDay>(ErrorDayFields);

export const ErrorHourFields: Fields<ErrorHour> = {
  hour: str,
  calls: int,
  errors: int,
  error_rate: num,
};
export const isErrorHour: Guard<ErrorHour> = obj<ErrorHour>(ErrorHourFields);

export const RetriesFields: Fields<Retries> = {
  total_retries: int,
  calls_with_retries: int,
  retry_rate: num,
};
export const isRetries: Guard<Retries> = obj<Retries>(RetriesFields);

export const ErrorsFields: Fields<Errors> = {
  total: int,
  error_rate: num,
  by_type: rec(int),
  by_day: arr(isErrorDay),
  by_hour: nullable(arr(isErrorHour)),
  retries: isRetries,
};
export const isErrors: Guard<Errors> = obj<Errors>(ErrorsFields);

export const ExportCsvParamsFields: Fields<ExportCsvParams> = {
  range: optional(literal("today", "7d", "30d", "all")),
  since: optional(nullable(str)),
  until: optional(nullable(str)),
  now: optional(nullable(str)),
  filters: optional(isFilters),
  cost_mode: optional(nullable(literal("auto", "writer", "list"))),
  path: minLength(str, 1),
  overwrite: optional(bool),
};
export const isExportCsvParams: Guard<ExportCsvParams> = obj<ExportCsvParams>(ExportCsvParamsFields);

export const ExportCsvResultFields: Fields<ExportCsvResult> = {
  path: str,
  rows: int,
};
export const isExportCsvResult: Guard<ExportCsvResult> = obj<ExportCsvResult>(ExportCsvResultFields);

export const FallbackChainFields: Fields<FallbackChain> = {
  chain: arr(str),
  count: int,
};
export const isFallbackChain: Guard<FallbackChain> = obj<FallbackChain>(FallbackChainFields);

export const FallbackFields: Fields<Fallback> = {
  total_calls: int,
  fallback_count: int,
  fallback_percent: num,
  error_count: int,
  error_rate: num,
  by_original_provider: rec(int),
  top_chains: arr(isFallbackChain),
};
export const isFallback: Guard<Fallback> = obj<Fallback>(FallbackFields);

export const FilterOptionsFields: Fields<FilterOptions> = {
  workflow: arr(isFilterOption),
  provider: arr(isFilterOption),
  tier: arr(isFilterOption),
  model: arr(isFilterOption),
  step: arr(isFilterOption),
  project: arr(isFilterOption),
  user: arr(isFilterOption),
  session: arr(isFilterOption),
  source: arr(isFilterOption),
  unlisted: rec(int),
};
export const isFilterOptions: Guard<FilterOptions> = obj<FilterOptions>(FilterOptionsFields);

export const GenerateDemoParamsFields: Fields<GenerateDemoParams> = {
  calls: optional(bounded(int, 1, 200000)),
  days: optional(bounded(int, 1, 365)),
};
export const isGenerateDemoParams: Guard<GenerateDemoParams> = obj<GenerateDemoParams>(GenerateDemoParamsFields);

export const GenerateDemoResultFields: Fields<GenerateDemoResult> = {
  calls: int,
  runs: int,
  dir: str,
};
export const isGenerateDemoResult: Guard<GenerateDemoResult> = obj<GenerateDemoResult>(GenerateDemoResultFields);

export const HealthDirFields: Fields<HealthDir> = {
  path: str,
  exists: bool,
};
export const isHealthDir: Guard<HealthDir> = obj<HealthDir>(HealthDirFields);

export const HealthProblemFields: Fields<HealthProblem> = {
  line: int,
  kind: str,
  reason: str,
};
export const isHealthProblem: Guard<HealthProblem> = obj<HealthProblem>(HealthProblemFields);

export const HealthFileFields: Fields<HealthFile> = {
  path: str,
  records: int,
  malformed: int,
  salvaged: int,
  flagged: int,
  problems: arr(isHealthProblem),
  read_error: nullable(str),
};
export const isHealthFile: Guard<HealthFile> = obj<HealthFile>(HealthFileFields);

export const HealthScopeFields: Fields<HealthScope> = {
  path: str,
  project: str,
  matched_by: literal("folder", "setting"),
  shown_runs: int,
  hidden_runs: int,
  hidden_projects: int,
};
export const isHealthScope: Guard<HealthScope> = obj<HealthScope>(HealthScopeFields);

export const HealthFields: Fields<Health> = {
  records: int,
  malformed: int,
  salvaged: int,
  flagged: int,
  files: arr(isHealthFile),
  dirs: arr(isHealthDir),
  scopes: arr(isHealthScope),
};
export const isHealth: Guard<Health> = obj<Health>(HealthFields);

export const InitAlertsParamsFields: Fields<InitAlertsParams> = {
  metric: minLength(str, 1),
  threshold: num,
  channel: literal("webhook", "email", "stdout"),
  target: optional(nullable(str)),
  overwrite: optional(bool),
};
export const isInitAlertsParams: Guard<InitAlertsParams> = obj<InitAlertsParams>(InitAlertsParamsFields);

export const InitAlertsResultFields: Fields<InitAlertsResult> = {
  configPath: str,
};
export const isInitAlertsResult: Guard<InitAlertsResult> = obj<InitAlertsResult>(InitAlertsResultFields);

export const PriceRateFields: Fields<PriceRate> = {
  input: nullable(num),
  output: nullable(num),
  cache_read: nullable(num),
  cache_write: nullable(num),
  cache_write_1h: nullable(num),
  tiered: bool,
};
export const isPriceRate: Guard<PriceRate> = obj<PriceRate>(PriceRateFields);

export const ModelPriceFields: Fields<ModelPrice> = {
  model: str,
  provider: str,
  calls: int,
  tokens: int,
  source: literal("prices.yaml", "catalog", "local", "unpriced"),
  priced_as: nullable(str),
  line: nullable(int),
  valid_from: nullable(str),
  rate: nullable(isPriceRate),
  writer_cost: num,
  list_cost: nullable(num),
  difference_pct: nullable(num),
  flagged: bool,
  unpriced_calls: int,
  note: nullable(str),
};
export const isModelPrice: Guard<ModelPrice> = obj<ModelPrice>(ModelPriceFields);

export const ModelStatsFields: Fields<ModelStats> = {
  call_count: int,
  total_tokens: int,
  total_cost: num,
  error_count: int,
  avg_latency_ms: nullable(num),
  provider: str,
  tier: str,
};
export const isModelStats: Guard<ModelStats> = obj<ModelStats>(ModelStatsFields);

export const UnpricedModelFields: Fields<UnpricedModel> = {
  model: str,
  provider: str,
  calls: int,
  tokens: int,
};
export const isUnpricedModel: Guard<UnpricedModel> = obj<UnpricedModel>(UnpricedModelFields);

export const OverviewFields: Fields<Overview> = {
  calls: int,
  errors: int,
  success_rate: nullable(num),
  total_cost: num,
  input_tokens: int,
  output_tokens: int,
  avg_latency_ms: nullable(num),
  p50_latency_ms: nullable(num),
  p95_latency_ms: nullable(num),
  active_workflows: int,
  unpriced_calls: int,
  unpriced_tokens: int,
  unpriced_models: arr(isUnpricedModel),
  cache_read_tokens: int,
  cache_write_tokens: int,
  cache_hit_rate: nullable(num),
  cache_savings: num,
  subscription_calls: int,
  subscription_value: num,
};
export const isOverview: Guard<Overview> = obj<Overview>(OverviewFields);

export const SourceStatsFields: Fields<SourceStats> = {
  calls: int,
  cost: num,
};
export const isSourceStats: Guard<SourceStats> = obj<SourceStats>(SourceStatsFields);

export const PricesInfoFields: Fields<PricesInfo> = {
  cost_mode: literal("auto", "writer", "list"),
  workspace_cost_mode: literal("auto", "writer", "list"),
  overrides: int,
  prices_file: nullable(str),
  errors: arr(str),
  catalog: str,
  sources: rec(isSourceStats),
  models: arr(isModelPrice),
};
export const isPricesInfo: Guard<PricesInfo> = obj<PricesInfo>(PricesInfoFields);

export const ProviderStatsFields: Fields<ProviderStats> = {
  call_count: int,
  total_tokens: int,
  total_cost: num,
  error_count: int,
  avg_latency_ms: nullable(num),
  input_tokens: int,
  output_tokens: int,
};
export const isProviderStats: Guard<ProviderStats> = obj<ProviderStats>(ProviderStatsFields);

export const RefreshResultFields: Fields<RefreshResult> = {
  durationMs: num,
  records: int,
};
export const isRefreshResult: Guard<RefreshResult> = obj<RefreshResult>(RefreshResultFields);

export const ResolveSourceParamsFields: Fields<ResolveSourceParams> = {
  workflowName: optional(nullable(str)),
  stepName: optional(nullable(str)),
  callId: optional(nullable(str)),
};
export const isResolveSourceParams: Guard<ResolveSourceParams> = obj<ResolveSourceParams>(ResolveSourceParamsFields);

export const SavingsFields: Fields<Savings> = {
  workflow_count: int,
  total_actual_cost: num,
  total_baseline_cost: num,
  total_savings: num,
  savings_percent: num,
  avg_cost_per_workflow: num,
};
export const isSavings: Guard<Savings> = obj<Savings>(SavingsFields);

export const SetBudgetParamsFields: Fields<SetBudgetParams> = {
  name: minLength(str, 1),
  amount: num,
  period: optional(literal("day", "week", "month")),
  workflow: optional(nullable(str)),
  provider: optional(nullable(str)),
  tier: optional(nullable(str)),
  model: optional(nullable(str)),
};
export const isSetBudgetParams: Guard<SetBudgetParams> = obj<SetBudgetParams>(SetBudgetParamsFields);

export const SetBudgetResultFields: Fields<SetBudgetResult> = {
  configPath: str,
  name: str,
};
export const isSetBudgetResult: Guard<SetBudgetResult> = obj<SetBudgetResult>(SetBudgetResultFields);

export const SettingsFields: Fields<Settings> = {
  telemetryDirs: optional(nullable(arr(str))),
  project: optional(str),
  naiveTimezone: optional(str),
  activityLimit: optional(bounded(int, 1, 1000)),
  debounceMs: optional(bounded(int, 0, 5000)),
  retentionDays: optional(bounded(int, 1, 36500)),
  refreshFallbackSeconds: optional(bounded(num, 0, 86400)),
  sources: optional(arr(str)),
  otlpReceiver: optional(bool),
  otlpReceiverPort: optional(bounded(int, 1, 65535)),
  alertActions: optional(bool),
  codeLens: optional(isCodeLensSettings),
};
export const isSettings: Guard<Settings> = obj<Settings>(SettingsFields);

export const SourceOfferFields: Fields<SourceOffer> = {
  source: str,
  label: str,
  path: str,
};
export const isSourceOffer: Guard<SourceOffer> = obj<SourceOffer>(SourceOfferFields);

export const TierStatsFields: Fields<TierStats> = {
  count: int,
  cost: num,
  tokens: int,
  percent: num,
  error_count: int,
  avg_latency_ms: nullable(num),
  p95_latency_ms: nullable(num),
};
export const isTierStats: Guard<TierStats> = obj<TierStats>(TierStatsFields);

export const WindowInfoFields: Fields<WindowInfo> = {
  range: literal("today", "7d", "30d", "all", "custom"),
  since: nullable(str),
  until: nullable(str),
  now: str,
  timezone: str,
};
export const isWindowInfo: Guard<WindowInfo> = obj<WindowInfo>(WindowInfoFields);

export const WorkflowStatsFields: Fields<WorkflowStats> = {
  workflow_name: str,
  total_cost: num,
  run_count: int,
  avg_cost: num,
  total_savings: num,
  avg_duration_ms: nullable(num),
  source: literal("runs", "calls"),
};
export const isWorkflowStats: Guard<WorkflowStats> = obj<WorkflowStats>(WorkflowStatsFields);

export const SnapshotFields: Fields<Snapshot> = {
  version: int,
  window: isWindowInfo,
  overview: isOverview,
  previous: nullable(isOverview),
  cost_series: arr(isCostPoint),
  by_provider: rec(isProviderStats),
  by_tier: rec(isTierStats),
  by_model: rec(isModelStats),
  top_workflows: arr(isWorkflowStats),
  workflows: arr(isWorkflowStats),
  by_project: rec(isDimensionStats),
  by_user: rec(isDimensionStats),
  by_session: rec(isDimensionStats),
  by_source: rec(isDimensionStats),
  dimension_counts: rec(int),
  savings: isSavings,
  fallback: isFallback,
  errors: isErrors,
  prices: isPricesInfo,
  circuit_breakers: rec(isCircuitBreaker),
  filter_options: isFilterOptions,
  today_cost: num,
  recent_calls: arr(isCallRow),
  health: isHealth,
  budgets: nullable(isBudgetsSection),
  offers: arr(isSourceOffer),
  deltas: isDeltas,
  alerts: nullable(isAlertsStatus),
  retention_days: int,
};
export const isSnapshot: Guard<Snapshot> = obj<Snapshot>(SnapshotFields);

export const SnapshotParamsFields: Fields<SnapshotParams> = {
  range: optional(literal("today", "7d", "30d", "all")),
  since: optional(nullable(str)),
  until: optional(nullable(str)),
  now: optional(nullable(str)),
  filters: optional(isFilters),
  cost_mode: optional(nullable(literal("auto", "writer", "list"))),
};
export const isSnapshotParams: Guard<SnapshotParams> = obj<SnapshotParams>(SnapshotParamsFields);

export const SourceLocationFields: Fields<SourceLocation> = {
  uri: str,
  line: int,
};
export const isSourceLocation: Guard<SourceLocation> = obj<SourceLocation>(SourceLocationFields);

export const SourceUnresolvedFields: Fields<SourceUnresolved> = {
  uri: isNull,
  reason: str,
};
export const isSourceUnresolved: Guard<SourceUnresolved> = obj<SourceUnresolved>(SourceUnresolvedFields);

export const TestAlertParamsFields: Fields<TestAlertParams> = {
  rule: minLength(str, 1),
};
export const isTestAlertParams: Guard<TestAlertParams> = obj<TestAlertParams>(TestAlertParamsFields);

export const TestAlertResultFields: Fields<TestAlertResult> = {
  rule: str,
  value: nullable(num),
  threshold: num,
  breached: bool,
  message: str,
};
export const isTestAlertResult: Guard<TestAlertResult> = obj<TestAlertResult>(TestAlertResultFields);

export const UndoClearHistoryParamsFields: Fields<UndoClearHistoryParams> = {
  archiveDir: minLength(str, 1),
};
export const isUndoClearHistoryParams: Guard<UndoClearHistoryParams> = obj<UndoClearHistoryParams>(UndoClearHistoryParamsFields);

export const UndoClearHistoryResultFields: Fields<UndoClearHistoryResult> = {
  restored: arr(str),
};
export const isUndoClearHistoryResult: Guard<UndoClearHistoryResult> = obj<UndoClearHistoryResult>(UndoClearHistoryResultFields);

/** The guard of each request's result. */
export const RequestResultGuards: { [M in keyof Requests]: Guard<Requests[M]['result']> } = {
  "empathy/snapshot": isSnapshot,
  "empathy/activity": isActivityResult,
  "empathy/exportCsv": isExportCsvResult,
  "empathy/resolveSource": union(isSourceLocation, isSourceUnresolved),
  "empathy/generateDemo": isGenerateDemoResult,
  "empathy/refresh": isRefreshResult,
  "empathy/clearHistory": isClearHistoryResult,
  "empathy/undoClearHistory": isUndoClearHistoryResult,
  "empathy/alerts": isAlertsStatus,
  "empathy/testAlert": isTestAlertResult,
  "empathy/checkAlerts": isCheckAlertsResult,
  "empathy/initAlerts": isInitAlertsResult,
  "empathy/alertMetrics": isAlertMetricsResult,
  "empathy/callDetail": isCallRow,
  "empathy/setBudget": isSetBudgetResult,
  "empathy/codeLenses": isCodeLensesResult,
  "empathy/addPrice": isAddPriceResult,
  "empathy/dimensionValues": isDimensionValuesResult,
  "empathy/enableSource": isEnableSourceResult,
};

/** The guard of each notification's params. */
export const NotificationGuards: { [M in keyof Notifications]: Guard<Notifications[M]> } = {
  "empathy/didUpdate": isDidUpdateParams,
  "empathy/didChangeHealth": isHealth,
  "empathy/didFireAlert": isDidFireAlertParams,
  "empathy/didChangeAlerts": isAlertsStatus,
  "empathy/didChangeBudgets": isBudgetsSection,
};
