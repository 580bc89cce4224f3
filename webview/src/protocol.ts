/**
 * Data shapes of the panel contract (docs/dev/PANEL_CONTRACT.md), as the webview sees them.
 *
 * Hand-written until `scripts/gen_protocol` produces `protocol.generated.ts`. Every other module
 * imports protocol types from this one file, so switching to the generated file is a one-line change.
 * Python owns every number in here; the webview only formats and draws them.
 */

export type Range = 'today' | '7d' | '30d' | 'all';
export const RANGES: readonly Range[] = ['today', '7d', '30d', 'all'];

/** Exact-match filters; missing, null or "" matches anything. The webview sends only non-empty values. */
export interface Filters {
  workflow?: string | null;
  provider?: string | null;
  tier?: string | null;
  model?: string | null;
}

export interface CallRow {
  call_id: string;
  /** ISO 8601 with offset. */
  timestamp: string;
  workflow_name: string | null;
  step_name: string | null;
  provider: string;
  model_id: string;
  tier: string;
  task_type?: string | null;
  /** null when the model has no known price. */
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
  session_id?: string | null;
  user_id?: string | null;
  run_id?: string | null;
  source_file: string | null;
  source_line: number | null;
}

export interface Overview {
  calls: number;
  errors: number;
  /** Percent (0–100) or null when there were no calls. */
  success_rate: number | null;
  total_cost: number;
  input_tokens: number;
  output_tokens: number;
  avg_latency_ms: number | null;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  active_workflows: number;
  /** In the contract, not (yet) sent by the sidecar. */
  unpriced_calls?: number;
}

export interface SnapshotWindow {
  range: Range;
  since: string | null;
  until: string | null;
  now: string;
  timezone: string;
}

export interface CostPoint {
  date: string;
  cost: number;
  calls: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  by_provider: Record<string, number>;
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

export interface TierStats {
  count: number;
  cost: number;
  tokens: number;
  percent: number;
  error_count: number;
  avg_latency_ms: number | null;
  p95_latency_ms: number | null;
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

export interface WorkflowStats {
  workflow_name: string;
  total_cost: number;
  run_count: number;
  avg_cost: number;
  total_savings: number;
  avg_duration_ms: number | null;
  source: 'runs' | 'calls';
}

export interface Savings {
  workflow_count: number;
  total_actual_cost: number;
  total_baseline_cost: number;
  total_savings: number;
  savings_percent: number;
  avg_cost_per_workflow: number;
}

export interface FallbackChain {
  chain: string[];
  count: number;
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

export interface Retries {
  total_retries: number;
  calls_with_retries: number;
  retry_rate: number;
}

export interface Errors {
  total: number;
  error_rate: number;
  by_type: Record<string, number>;
  by_day: ErrorDay[];
  by_hour: ErrorHour[] | null;
  retries: Retries;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** The contract names `since` and `open_count`; the sidecar currently sends `updated_at` instead. */
export interface CircuitBreaker {
  state: BreakerState;
  since?: string;
  updated_at?: string;
  last_opened_at: string | null;
  open_count?: number;
}

export interface HealthProblem {
  line: number;
  kind: string;
  reason: string;
}

export interface HealthFile {
  path: string;
  records: number;
  malformed: number;
  salvaged: number;
  flagged: number;
  read_error: string | null;
  problems: HealthProblem[];
}

export interface HealthDir {
  path: string;
  exists: boolean;
}

export interface Health {
  records: number;
  malformed: number;
  salvaged: number;
  flagged: number;
  files: HealthFile[];
  dirs: HealthDir[];
}

export interface Snapshot {
  version: number;
  window: SnapshotWindow;
  overview: Overview;
  /** Overview of the previous period of equal length; null for "all". */
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
  recent_calls: CallRow[];
  health: Health;
  /** Display only (a setting); the sidecar never deletes data. */
  retention_days?: number | null;
}

/** Sections of a snapshot that a `didUpdate` may replace. */
export type SnapshotSection = Exclude<keyof Snapshot, 'version'>;

export interface SnapshotUpdate {
  version: number;
  baseVersion: number;
  /** Only the sections that changed; `recent_calls` carries the full latest list for the view. */
  changed: Partial<Omit<Snapshot, 'version'>>;
}

export interface ActivityPage {
  rows: CallRow[];
  total: number;
  offset: number;
}
