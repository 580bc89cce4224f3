/**
 * A BudgetsSection as the sidecar sends it (values from `empathy budget --json` on demo data, dates
 * moved to the fixture snapshot's week): one month budget that runs out, its 50% level reached,
 * one scoped day budget on track, and two anomaly markers on the cost series' days.
 */
import type { BudgetsSection, BudgetStatus } from '../../../webview/src/protocol';

const METHOD = 'robust daily level x shrunk trend x weekday profile; 80% interval by resampling recent days in 7-day blocks';

export const monthBudget: BudgetStatus = {
  name: 'monthly',
  period: 'month',
  scope: {},
  period_start: '2026-11-01T00:00:00+00:00',
  period_end: '2026-12-01T00:00:00+00:00',
  amount: 20,
  spent: 12.3456,
  percent: 61.728,
  projected: 24.1,
  low: 19.2,
  high: 31.5,
  forecast_percent: 120.5,
  run_out: '2026-11-29T14:10:00+00:00',
  burn_hour: 0.42,
  burn_day: 5.0456,
  burn_week_daily: 4.115,
  unpriced_calls: 3,
  state: 'warning',
  headline: '$12.35 of $20.00 this month',
  outlook: 'runs out Nov 29 at this rate',
  burn_text: '$0.42/h last hour · $5.05 last 24 h · $4.12/day over 7 d',
  interval_text: "projected $24.10 by the period's end (80%: $19.20–$31.50)",
  unpriced_text: '+ 3 unpriced calls not included',
  scale: 33.075,
  spent_pos: 0.37326,
  projected_pos: 0.72865,
  low_pos: 0.58050,
  high_pos: 0.95238,
  levels: [
    { percent: 50, fired: true, fired_at: '2026-11-24T09:30:00+00:00', position: 0.30234 },
    { percent: 80, fired: false, fired_at: null, position: 0.48375 },
    { percent: 100, fired: false, fired_at: null, position: 0.60469 },
  ],
  method: METHOD,
  history_days: 20,
};

export const dayBudget: BudgetStatus = {
  ...monthBudget,
  name: 'reviews',
  period: 'day',
  scope: { workflow: 'code-review' },
  period_start: '2026-11-27T00:00:00+00:00',
  period_end: '2026-11-28T00:00:00+00:00',
  amount: 10,
  spent: 3.0,
  percent: 30,
  projected: 6.2,
  low: 4.9,
  high: 7.4,
  forecast_percent: 62,
  run_out: null,
  unpriced_calls: 0,
  state: 'ok',
  headline: '$3.00 of $10.00 today',
  outlook: 'on track: ~$6.20 of $10.00',
  interval_text: "projected $6.20 by the period's end (80%: $4.90–$7.40)",
  unpriced_text: '',
  scale: 10.5,
  spent_pos: 0.28571,
  projected_pos: 0.59048,
  low_pos: 0.46667,
  high_pos: 0.70476,
  levels: [
    { percent: 50, fired: false, fired_at: null, position: 0.47619 },
    { percent: 80, fired: false, fired_at: null, position: 0.7619 },
    { percent: 100, fired: false, fired_at: null, position: 0.95238 },
  ],
};

export function fixtureBudgets(overrides: Partial<BudgetsSection> = {}): BudgetsSection {
  return {
    exists: true,
    config_path: '/work/sample/.empathy/budgets.yaml',
    budgets: [monthBudget, dayBudget],
    errors: [],
    status_text: '$12.35 of $20.00 this month',
    can_fire: true,
    anomalies: [
      { kind: 'workflow', key: 'code-review', date: '2026-11-26', cost: 2.1, median: 0.5, ratio: 4.2, score: 3.6, text: 'code-review: $2.10 on Nov 26, 4.2× its usual' },
      { kind: 'provider', key: '<b>google</b>', date: '2026-11-26', cost: 1.5, median: 0.2, ratio: 7.5, score: 6.1, text: '<b>google</b>: $1.50 on Nov 26, 7.5× its usual' },
    ],
    ...overrides,
  };
}

/** No budgets.yaml: the strip offers "Set budget…". */
export function noBudgets(): BudgetsSection {
  return fixtureBudgets({ exists: false, budgets: [], status_text: null, anomalies: [] });
}
