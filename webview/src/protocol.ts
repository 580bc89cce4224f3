/**
 * Data shapes of the panel contract (docs/dev/PANEL_CONTRACT.md), as the webview sees them.
 *
 * Every other module imports protocol types from this one file. Shapes that `scripts/gen_protocol`
 * types precisely (calls, overview, health, filters) are re-exported from protocol.generated.ts, so
 * a change in Python is a compile error here; sections the generator leaves as
 * `Record<string, unknown>` are refined below from the contract and checked against the real
 * sidecar output in sidecarContract.test.tsx. Python owns every number; the webview only formats.
 */
import type * as Gen from './protocol.generated';

export type {
  AlertRuleStatus,
  AlertsStatus,
  CallRow,
  Delta,
  Deltas,
  Filters,
  Health,
  HealthDir,
  HealthFile,
  HealthProblem,
  Overview,
} from './protocol.generated';
import type { AlertsStatus, CallRow, Deltas, Health, Overview } from './protocol.generated';

export type Range = 'today' | '7d' | '30d' | 'all';
export const RANGES: readonly Range[] = ['today', '7d', '30d', 'all'];

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

/** Latest state per provider as the sidecar sends it (PANEL_CONTRACT.md). */
export interface CircuitBreaker {
  state: BreakerState;
  updated_at: string | null;
  last_opened_at: string | null;
}

/** The generated Snapshot with its loosely generated sections refined from the contract. */
export interface Snapshot
  extends Omit<Gen.Snapshot, 'window' | RefinedSection | 'recent_calls' | 'health' | 'overview' | 'previous' | 'deltas' | 'alerts' | 'retention_days'> {
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
  /** Each headline number against the previous period, computed by the sidecar; the webview only formats. */
  deltas: Deltas;
  /** Null when there is no alerts.yaml. */
  alerts: AlertsStatus | null;
  /** Display only (a setting); the sidecar never deletes data. */
  retention_days: number;
}

type RefinedSection =
  | 'cost_series'
  | 'by_provider'
  | 'by_tier'
  | 'by_model'
  | 'top_workflows'
  | 'savings'
  | 'fallback'
  | 'errors'
  | 'circuit_breakers';

// Compile-time drift checks against the generated shapes for what is refined here.
type AssertAssignable<T extends U, U> = T;
export type _WindowMatchesGenerated = AssertAssignable<SnapshotWindow, Gen.WindowInfo>;
export type _ActivityMatchesGenerated = AssertAssignable<ActivityPage, Gen.ActivityResult>;

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
