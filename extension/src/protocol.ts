/**
 * Sidecar wire protocol as seen by the extension (docs/dev/PANEL_CONTRACT.md).
 *
 * Hand-written until `scripts/gen_protocol` produces `protocol.generated.ts`; every other module
 * imports protocol types from this one file so the switch is a one-line change.
 */

export type Range = 'today' | '7d' | '30d' | 'all';
export const RANGES: readonly Range[] = ['today', '7d', '30d', 'all'];

export interface Filters {
  workflow?: string;
  provider?: string;
  tier?: string;
  model?: string;
}
export const FILTER_KEYS: readonly (keyof Filters)[] = ['workflow', 'provider', 'tier', 'model'];

export interface SnapshotParams {
  range: Range;
  since?: string;
  until?: string;
  filters?: Filters;
}

export interface CallRow {
  call_id: string;
  timestamp: string;
  workflow_name: string | null;
  step_name: string | null;
  provider: string;
  model_id: string;
  tier: string;
  cost: number;
  input_tokens: number;
  output_tokens: number;
  latency_ms: number;
  success: boolean;
  error_type: string | null;
  error_message: string | null;
  fallback_used: boolean;
  fallback_chain: string[];
  retry_count: number;
  source_file: string | null;
  source_line: number | null;
}

export interface Overview {
  calls: number;
  errors: number;
  success_rate: number | null;
  total_cost: number;
  input_tokens: number;
  output_tokens: number;
  avg_latency_ms: number | null;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  active_workflows: number;
  unpriced_calls: number;
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

export interface Health {
  records: number;
  malformed: number;
  salvaged: number;
  flagged: number;
  files: HealthFile[];
  dirs: { path: string; exists: boolean }[];
}

/** Sections the extension itself reads; the rest is relayed to the webview untouched. */
export interface Snapshot {
  version: number;
  window: { range: Range; since: string | null; until: string | null; now: string; timezone: string };
  overview: Overview;
  previous: Overview | null;
  cost_series: CostPoint[];
  recent_calls: CallRow[];
  health: Health;
  [section: string]: unknown;
}

export interface SnapshotUpdate {
  version: number;
  baseVersion: number;
  changed: Partial<Snapshot> & Record<string, unknown>;
}

export interface ActivityParams {
  offset: number;
  limit: number;
  filters: Filters;
}
export interface ActivityPage {
  rows: CallRow[];
  total: number;
  offset: number;
}

export interface ExportCsvParams {
  range: Range;
  filters: Filters;
  path: string;
}
export interface ExportCsvResult {
  path: string;
  rows: number;
}

export interface ResolveSourceParams {
  workflowName: string;
  stepName?: string;
  callId?: string;
}
export type ResolveSourceResult = { uri: string; line: number } | { uri: null; reason: string };

export interface GenerateDemoParams {
  calls?: number;
  days?: number;
}
export interface GenerateDemoResult {
  calls: number;
  runs: number;
  dir: string;
}

/** Settings sent as `initializationOptions`; the sidecar validates them into its `Settings`. */
export interface InitializationOptions {
  telemetryDirs: string[];
  naiveTimezone: string;
  activityLimit: number;
  debounceMs: number;
}

export const Methods = {
  snapshot: 'empathy/snapshot',
  activity: 'empathy/activity',
  exportCsv: 'empathy/exportCsv',
  resolveSource: 'empathy/resolveSource',
  generateDemo: 'empathy/generateDemo',
  didUpdate: 'empathy/didUpdate',
  didChangeHealth: 'empathy/didChangeHealth',
} as const;
