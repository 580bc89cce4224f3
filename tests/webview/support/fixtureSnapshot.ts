/**
 * A realistic snapshot following docs/dev/PANEL_CONTRACT.md (7-day window, three providers, one
 * workflow with an HTML name, one malformed line). Tests pin the clock to FIXTURE_NOW.
 */
import type { AlertsStatus, CallRow, Deltas, Health, Overview, PricesInfo, Snapshot } from '../../../webview/src/protocol';

export const FIXTURE_NOW = '2026-11-27T12:00:00+00:00';
export const XSS_NAME = '<img src=x onerror=alert(1)>';

export function callRow(overrides: Partial<CallRow> & { call_id: string }): CallRow {
  return {
    timestamp: '2026-11-27T11:58:00+00:00',
    workflow_name: 'code-review',
    step_name: 'analyze',
    provider: 'anthropic',
    model_id: 'claude-sonnet-4-5',
    tier: 'capable',
    task_type: 'review',
    cost: 0.0123,
    cost_source: 'writer',
    input_tokens: 1200,
    output_tokens: 340,
    latency_ms: 812,
    success: true,
    error_type: null,
    error_message: null,
    fallback_used: false,
    fallback_chain: [],
    retry_count: 0,
    session_id: null,
    user_id: null,
    run_id: 'run-1',
    source_file: '/work/sample/src/review.py',
    source_line: 42,
    ...overrides,
  };
}

export const fixtureOverview: Overview = {
  calls: 1234,
  errors: 31,
  success_rate: 97.5,
  total_cost: 12.3456,
  input_tokens: 1_523_400,
  output_tokens: 402_100,
  avg_latency_ms: 812.4,
  p50_latency_ms: 700,
  p95_latency_ms: 2100,
  active_workflows: 6,
  // Every call priced, no cache tokens: the cards show only the numbers of the rounds before.
  unpriced_calls: 0,
  unpriced_tokens: 0,
  unpriced_models: [],
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  cache_hit_rate: null,
  cache_savings: 0,
  subscription_calls: 0,
  subscription_value: 0,
};

export const fixturePrevious: Overview = {
  calls: 1000,
  errors: 40,
  success_rate: 96.0,
  total_cost: 10,
  input_tokens: 1_200_000,
  output_tokens: 350_000,
  avg_latency_ms: 900,
  p50_latency_ms: 750,
  p95_latency_ms: 2500,
  active_workflows: 5,
  unpriced_calls: 0,
  unpriced_tokens: 0,
  unpriced_models: [],
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  cache_hit_rate: null,
  cache_savings: 0,
  subscription_calls: 0,
  subscription_value: 0,
};

/** The workspace's mode, no prices.yaml, no model with both a writer and a list sum. */
export const fixturePrices: PricesInfo = {
  cost_mode: 'auto',
  workspace_cost_mode: 'auto',
  overrides: 0,
  prices_file: null,
  errors: [],
  catalog: 'genai-prices 0.0.0',
  sources: { writer: { calls: 1234, cost: 12.3456 } },
  models: [],
};

export const fixtureHealth: Health = {
  records: 1240,
  malformed: 1,
  salvaged: 0,
  flagged: 0,
  files: [
    {
      path: '/work/sample/.empathy/llm_calls.jsonl',
      records: 1234,
      malformed: 1,
      salvaged: 0,
      flagged: 0,
      read_error: null,
      problems: [{ line: 7, kind: 'malformed', reason: 'not valid JSON (Expecting value: line 1 column 1)' }],
    },
    {
      path: '/work/sample/.empathy/workflow_runs.jsonl',
      records: 6,
      malformed: 0,
      salvaged: 0,
      flagged: 0,
      read_error: null,
      problems: [],
    },
  ],
  dirs: [{ path: '/work/sample/.empathy', exists: true }],
  scopes: [],
};

export const fixtureRecentCalls: CallRow[] = [
  callRow({ call_id: 'c-001', timestamp: '2026-11-27T11:58:00+00:00' }),
  callRow({
    call_id: 'c-002',
    timestamp: '2026-11-27T11:45:00+00:00',
    workflow_name: XSS_NAME,
    step_name: null,
    provider: 'openai',
    model_id: 'gpt-4o-mini',
    tier: 'cheap',
    cost: 0.0004,
    latency_ms: 420,
  }),
  callRow({
    call_id: 'c-003',
    timestamp: '2026-11-27T09:00:00+00:00',
    workflow_name: 'doc-gen',
    step_name: 'outline',
    provider: 'openai',
    model_id: 'gpt-4o',
    tier: 'capable',
    cost: 0.05,
    latency_ms: 2300,
    success: false,
    error_type: 'rate_limit',
    error_message: 'Rate limit exceeded',
    fallback_used: true,
    fallback_chain: ['openai:capable', 'anthropic:capable'],
    retry_count: 2,
  }),
  callRow({
    call_id: 'c-004',
    timestamp: '2026-11-25T10:00:00+00:00',
    workflow_name: null,
    step_name: null,
    provider: 'google',
    model_id: 'gemini-2.5-pro',
    tier: 'premium',
    cost: 1.5,
    latency_ms: 5400,
    source_file: null,
    source_line: null,
  }),
];

/** As the sidecar computes them against fixturePrevious (the webview never does this arithmetic). */
export const fixtureDeltas: Deltas = {
  total_cost: { previous: 10, change: 2.3456, percent: 23.456 },
  calls: { previous: 1000, change: 234, percent: 23.4 },
  success_rate: { previous: 96, change: 1.5, percent: 1.5625 },
  avg_latency_ms: { previous: 900, change: -87.6, percent: -9.7333 },
  input_tokens: { previous: 1_200_000, change: 323_400, percent: 26.95 },
  output_tokens: { previous: 350_000, change: 52_100, percent: 14.8857 },
  active_workflows: { previous: 5, change: 1, percent: 20 },
};

const NO_DELTA = { previous: null, change: null, percent: null };
export const noDeltas: Deltas = {
  total_cost: NO_DELTA,
  calls: NO_DELTA,
  success_rate: NO_DELTA,
  avg_latency_ms: NO_DELTA,
  input_tokens: NO_DELTA,
  output_tokens: NO_DELTA,
  active_workflows: NO_DELTA,
};

export const fixtureAlerts: AlertsStatus = {
  enabled: true,
  configPath: '/work/sample/.empathy/alerts.yaml',
  rules: [
    { name: 'Daily budget', metric: 'daily_cost', state: 'firing', severity: 'critical', lastValue: 12.3456, threshold: 10, lastFiredAt: '2026-11-27T11:40:00+00:00' },
    { name: 'Error rate <b>high</b>', metric: 'error_rate', state: 'ok', severity: 'warning', lastValue: 2.5, threshold: 10, lastFiredAt: null },
  ],
  errors: [],
  failingChannels: [],
};

/** Every workflow (the table): the top five plus two more. */
export const FIXTURE_WORKFLOWS: Snapshot['workflows'] = [
  { workflow_name: 'code-review', total_cost: 5.4, run_count: 30, avg_cost: 0.18, total_savings: 2.1, avg_duration_ms: 5000, source: 'runs' },
  { workflow_name: 'doc-gen', total_cost: 3.1, run_count: 12, avg_cost: 0.2583, total_savings: 0.4, avg_duration_ms: 8000, source: 'runs' },
  { workflow_name: XSS_NAME, total_cost: 1.2, run_count: 3, avg_cost: 0.4, total_savings: 0, avg_duration_ms: null, source: 'calls' },
  { workflow_name: 'test-gen', total_cost: 0.9, run_count: 9, avg_cost: 0.1, total_savings: 0.1, avg_duration_ms: 3000, source: 'runs' },
  { workflow_name: 'refactor', total_cost: 0.8, run_count: 4, avg_cost: 0.2, total_savings: 0.05, avg_duration_ms: 4000, source: 'runs' },
  { workflow_name: 'sixth-workflow', total_cost: 0.1, run_count: 1, avg_cost: 0.1, total_savings: 0, avg_duration_ms: 900, source: 'runs' },
  { workflow_name: 'seventh-workflow', total_cost: 0.05, run_count: 1, avg_cost: 0.05, total_savings: 0, avg_duration_ms: 700, source: 'runs' },
];

/** Twelve users, by cost (the sidecar caps the snapshot; the window has 200). */
export const FIXTURE_USERS: Snapshot['by_user'] = Object.fromEntries(
  Array.from({ length: 12 }, (_, i) => [
    `user-${String(i + 1).padStart(2, '0')}`,
    { call_count: 100 - i, total_tokens: 10_000, total_cost: 2 - i * 0.1, error_count: 1, avg_latency_ms: 900, unpriced_calls: 0 },
  ]),
);

export function fixtureSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    version: 12,
    window: { range: '7d', since: '2026-11-20T12:00:00+00:00', until: null, now: FIXTURE_NOW, timezone: 'local' },
    overview: fixtureOverview,
    previous: fixturePrevious,
    cost_series: [
      { date: '2026-11-25', cost: 3.2, calls: 300, errors: 8, input_tokens: 400_000, output_tokens: 100_000, by_provider: { anthropic: 2.0, openai: 1.2 } },
      { date: '2026-11-26', cost: 4.1, calls: 420, errors: 10, input_tokens: 520_000, output_tokens: 140_000, by_provider: { anthropic: 2.5, openai: 1.6 } },
      { date: '2026-11-27', cost: 5.0456, calls: 514, errors: 13, input_tokens: 603_400, output_tokens: 162_100, by_provider: { anthropic: 3.0, google: 1.5, openai: 0.5456 } },
    ],
    by_provider: {
      anthropic: { call_count: 700, total_tokens: 1_100_000, total_cost: 7.5, error_count: 10, avg_latency_ms: 850, input_tokens: 850_000, output_tokens: 250_000 },
      openai: { call_count: 500, total_tokens: 700_000, total_cost: 3.3456, error_count: 20, avg_latency_ms: 700, input_tokens: 560_000, output_tokens: 140_000 },
      google: { call_count: 34, total_tokens: 125_500, total_cost: 1.5, error_count: 1, avg_latency_ms: 5400, input_tokens: 113_400, output_tokens: 12_100 },
    },
    by_tier: {
      cheap: { count: 600, cost: 0.9, tokens: 500_000, percent: 7.3, error_count: 12, avg_latency_ms: 400, p95_latency_ms: 900 },
      capable: { count: 600, cost: 9.9456, tokens: 1_300_000, percent: 80.6, error_count: 18, avg_latency_ms: 950, p95_latency_ms: 2300 },
      premium: { count: 34, cost: 1.5, tokens: 125_500, percent: 12.1, error_count: 1, avg_latency_ms: 5400, p95_latency_ms: 7000 },
    },
    by_model: {
      'claude-sonnet-4-5': { call_count: 700, total_tokens: 1_100_000, total_cost: 7.5, error_count: 10, avg_latency_ms: 850, provider: 'anthropic', tier: 'capable' },
      'gpt-4o-mini': { call_count: 500, total_tokens: 700_000, total_cost: 3.3456, error_count: 20, avg_latency_ms: 700, provider: 'openai', tier: 'cheap' },
    },
    top_workflows: [
      { workflow_name: 'code-review', total_cost: 5.4, run_count: 30, avg_cost: 0.18, total_savings: 2.1, avg_duration_ms: 5000, source: 'runs' },
      { workflow_name: 'doc-gen', total_cost: 3.1, run_count: 12, avg_cost: 0.2583, total_savings: 0.4, avg_duration_ms: 8000, source: 'runs' },
      { workflow_name: XSS_NAME, total_cost: 1.2, run_count: 3, avg_cost: 0.4, total_savings: 0, avg_duration_ms: null, source: 'calls' },
      { workflow_name: 'test-gen', total_cost: 0.9, run_count: 9, avg_cost: 0.1, total_savings: 0.1, avg_duration_ms: 3000, source: 'runs' },
      { workflow_name: 'refactor', total_cost: 0.8, run_count: 4, avg_cost: 0.2, total_savings: 0.05, avg_duration_ms: 4000, source: 'runs' },
      { workflow_name: 'sixth-workflow', total_cost: 0.1, run_count: 1, avg_cost: 0.1, total_savings: 0, avg_duration_ms: 900, source: 'runs' },
    ],
    workflows: FIXTURE_WORKFLOWS,
    by_project: {
      shop: { call_count: 900, total_tokens: 1_000_000, total_cost: 8.0, error_count: 20, avg_latency_ms: 800, unpriced_calls: 0 },
      '(none)': { call_count: 334, total_tokens: 525_500, total_cost: 4.3456, error_count: 11, avg_latency_ms: 1200, unpriced_calls: 0 },
    },
    by_user: FIXTURE_USERS,
    by_session: {
      's-0001': { call_count: 600, total_tokens: 800_000, total_cost: 6.0, error_count: 10, avg_latency_ms: 800, unpriced_calls: 0 },
    },
    by_source: {
      empathy: { call_count: 1234, total_tokens: 1_525_500, total_cost: 12.3456, error_count: 31, avg_latency_ms: 900, unpriced_calls: 0 },
    },
    dimension_counts: { project: 2, user: 200, session: 5000, source: 1 },
    savings: { workflow_count: 6, total_actual_cost: 11.5, total_baseline_cost: 14.15, total_savings: 2.65, savings_percent: 18.7, avg_cost_per_workflow: 1.92 },
    fallback: {
      total_calls: 1234,
      fallback_count: 25,
      fallback_percent: 2.0,
      error_count: 31,
      error_rate: 2.5,
      by_original_provider: { openai: 20, google: 5 },
      top_chains: [
        { chain: ['openai:capable', 'anthropic:capable'], count: 20 },
        { chain: ['google:premium', 'anthropic:premium'], count: 5 },
      ],
    },
    errors: {
      total: 31,
      error_rate: 2.5,
      by_type: { rate_limit: 20, timeout: 11 },
      by_day: [
        { date: '2026-11-25', calls: 300, errors: 8, error_rate: 2.7 },
        { date: '2026-11-26', calls: 420, errors: 10, error_rate: 2.4 },
        { date: '2026-11-27', calls: 514, errors: 13, error_rate: 2.5 },
      ],
      by_hour: null,
      retries: { total_retries: 40, calls_with_retries: 22, retry_rate: 1.8 },
    },
    circuit_breakers: {
      anthropic: { state: 'closed', updated_at: '2026-11-20T00:00:00+00:00', last_opened_at: null },
      openai: { state: 'half-open', updated_at: '2026-11-27T11:50:00+00:00', last_opened_at: '2026-11-27T11:30:00+00:00' },
      google: { state: 'open', updated_at: '2026-11-27T11:57:00+00:00', last_opened_at: '2026-11-27T11:57:00+00:00' },
    },
    // As the sidecar sends them: every value in the window (unfiltered), by cost.
    filter_options: {
      workflow: [
        { value: 'code-review', calls: 600, cost: 5.4 },
        { value: 'doc-gen', calls: 300, cost: 3.1 },
        { value: XSS_NAME, calls: 30, cost: 1.2 },
        { value: 'test-gen', calls: 150, cost: 0.9 },
        { value: 'refactor', calls: 100, cost: 0.8 },
        { value: 'sixth-workflow', calls: 10, cost: 0.1 },
      ],
      provider: [
        { value: 'anthropic', calls: 700, cost: 7.5 },
        { value: 'openai', calls: 500, cost: 3.3456 },
        { value: 'google', calls: 34, cost: 1.5 },
      ],
      tier: [
        { value: 'capable', calls: 600, cost: 9.9456 },
        { value: 'premium', calls: 34, cost: 1.5 },
        { value: 'cheap', calls: 600, cost: 0.9 },
      ],
      model: [
        { value: 'claude-sonnet-4-5', calls: 700, cost: 7.5 },
        { value: 'gpt-4o-mini', calls: 500, cost: 3.3456 },
      ],
      // the newer dimensions: the top values by cost, and how many more the window holds
      step: [],
      project: [
        { value: 'shop', calls: 900, cost: 8.0 },
        { value: '(none)', calls: 334, cost: 4.3456 },
      ],
      user: Object.entries(FIXTURE_USERS).map(([value, u]) => ({ value, calls: u.call_count, cost: u.total_cost })),
      session: [{ value: 's-0001', calls: 600, cost: 6.0 }],
      source: [{ value: 'empathy', calls: 1234, cost: 12.3456 }],
      unlisted: { project: 0, user: 188, session: 4999, source: 0 },
    },
    today_cost: 5.0456,
    recent_calls: fixtureRecentCalls,
    health: fixtureHealth,
    budgets: null,
    offers: [],
    deltas: fixtureDeltas,
    alerts: fixtureAlerts,
    retention_days: 30,
    prices: fixturePrices,
    ...overrides,
  };
}

/** A snapshot with no calls and no files: the empty state. */
export function emptySnapshot(): Snapshot {
  const zero: Overview = { ...fixtureOverview, calls: 0, errors: 0, success_rate: null, total_cost: 0, input_tokens: 0, output_tokens: 0, avg_latency_ms: null, p50_latency_ms: null, p95_latency_ms: null, active_workflows: 0 };
  return fixtureSnapshot({
    overview: zero,
    previous: null,
    deltas: noDeltas,
    alerts: null,
    cost_series: [],
    by_provider: {},
    by_tier: {},
    by_model: {},
    top_workflows: [],
    workflows: [],
    by_project: {},
    by_user: {},
    by_session: {},
    by_source: {},
    dimension_counts: { project: 0, user: 0, session: 0, source: 0 },
    circuit_breakers: {},
    filter_options: { workflow: [], provider: [], tier: [], model: [], step: [], project: [], user: [], session: [], source: [], unlisted: { project: 0, user: 0, session: 0, source: 0 } },
    today_cost: 0,
    recent_calls: [],
    health: { records: 0, malformed: 0, salvaged: 0, flagged: 0, files: [], dirs: [{ path: '/work/sample/.empathy', exists: false }], scopes: [] },
  });
}
