/**
 * Issue 12 in the webview: names of any length fit (item 2), words agree with their counts and every
 * card shows the same kind of delta (item 9). Layout itself is measured in the real VS Code
 * (tests/e2e/surfaces.e2e.mjs); here: the ellipsis, the titles and the classes the CSS keys on.
 */
import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { ErrorTrendChart, FallbackChart } from '../../webview/src/charts/Charts';
import { ActivityFeed } from '../../webview/src/components/ActivityFeed';
import { AlertsStrip } from '../../webview/src/components/AlertsStrip';
import { CircuitBreakers } from '../../webview/src/components/CircuitBreakers';
import { HealthStrip } from '../../webview/src/components/HealthStrip';
import { OverviewCards } from '../../webview/src/components/OverviewCards';
import { TopWorkflows } from '../../webview/src/components/TopWorkflows';
import { ellipsize, plural } from '../../webview/src/format';
import { callRow, fixtureAlerts, fixtureDeltas, fixtureHealth, fixtureOverview, fixtureSnapshot, FIXTURE_NOW, noDeltas } from './support/fixtureSnapshot';
import type { Deltas } from '../../webview/src/protocol';

const LONG = `wf-${'x'.repeat(4994)}-end`;
const NOW = Date.parse(FIXTURE_NOW);
const noop = vi.fn();

function feed(rows = [callRow({ call_id: 'c1', workflow_name: LONG, provider: LONG, model_id: LONG, tier: LONG, retry_count: 1 })]) {
  return render(
    <ActivityFeed
      rows={rows}
      nowMs={NOW}
      filters={{ workflow: LONG }}
      options={{ workflow: [LONG, 'short'], step: [], provider: [LONG], tier: ['cheap'] }}
      onFilter={noop}
      onOpen={noop}
      canLoadMore={false}
      loadingMore={false}
      onLoadMore={noop}
      clearedAt={null}
      onClear={noop}
      onShowEarlier={noop}
    />,
  );
}

describe('a 5,000-character name fits', () => {
  it('ellipsize cuts by characters, keeps short text, and never splits a surrogate pair', () => {
    expect(LONG).toHaveLength(5001);
    expect(ellipsize('short')).toBe('short');
    expect(Array.from(ellipsize(LONG))).toHaveLength(60);
    expect(ellipsize(LONG).endsWith('…')).toBe(true);
    expect(ellipsize('😀'.repeat(70)).slice(-3)).toBe('😀…');
  });

  it('filter dropdowns show the name cut with an ellipsis; the full name is in the title and the value', () => {
    feed();
    const select = screen.getByRole('combobox', { name: 'Workflow' }) as HTMLSelectElement;
    const option = within(select).getAllByRole('option').find((o) => (o as HTMLOptionElement).value === LONG) as HTMLOptionElement;
    expect(option.textContent!.length).toBeLessThanOrEqual(60);
    expect(option.textContent!.endsWith('…')).toBe(true);
    expect(option.title).toBe(LONG);
    expect(select.value).toBe(LONG);
    expect(select.title).toBe(LONG);
    expect(within(select).getByRole('option', { name: 'short' }).textContent).toBe('short');
  });

  it('activity feed name cells are one-line truncating spans with the full name as title', () => {
    feed();
    const row = screen.getByRole('table', { name: 'Activity feed' }).querySelector('tr[data-call-id="c1"]')!;
    const cells = row.querySelectorAll('td');
    for (const i of [1, 2, 3, 4]) {
      const span = cells[i]!.querySelector('span.truncate') as HTMLElement;
      expect(span, `column ${i}`).not.toBeNull();
      expect(span.title).toBe(LONG);
      expect(span.textContent).toBe(LONG);
    }
    expect(cells[6]!.querySelector('.truncate.status-cell')).not.toBeNull();
  });

  it('top workflows and alert rules truncate too, and the Test button has its own grid cell', () => {
    render(<TopWorkflows workflows={[{ ...fixtureSnapshot().top_workflows[0]!, workflow_name: LONG }]} onOpen={noop} />);
    const name = document.querySelector('.list-button .name') as HTMLElement;
    expect(name.classList.contains('truncate')).toBe(true);
    expect(name.title).toBe(LONG);
    render(<AlertsStrip alerts={{ ...fixtureAlerts, rules: [{ ...fixtureAlerts.rules[0]!, name: LONG }] }} nowMs={NOW} onTest={noop} onOpenConfig={noop} />);
    const rule = document.querySelector('.alert-rule')!;
    const ruleName = rule.querySelector('.name') as HTMLElement;
    expect(ruleName.classList.contains('truncate')).toBe(true);
    expect(ruleName.title.startsWith(LONG)).toBe(true);
    expect(rule.querySelector('button.alert-test')?.textContent).toBe('Test');
    expect(rule.querySelector('.alert-value.truncate')).not.toBeNull();
    render(<CircuitBreakers breakers={{ [LONG]: { state: 'open', updated_at: null, last_opened_at: null } }} nowMs={NOW} />);
    const provider = document.querySelector('.breakers .name') as HTMLElement;
    expect(provider.classList.contains('truncate')).toBe(true);
    expect(provider.title).toBe(LONG);
  });
});

describe('words agree with their counts', () => {
  it('plural', () => {
    expect(plural(1, 'call')).toBe('1 call');
    expect(plural(0, 'call')).toBe('0 calls');
    expect(plural(1234, 'retry', 'retries')).toBe('1,234 retries');
  });

  it('"1 retry", "1 run", "1 call", "1 record from 1 file", "1 error · 1 retry", "of 1 call"', () => {
    feed([callRow({ call_id: 'c1', retry_count: 1 })]);
    expect(screen.getByRole('table', { name: 'Activity feed' }).textContent).toContain('· 1 retry');
    expect(screen.getByRole('table', { name: 'Activity feed' }).textContent).not.toContain('1 retries');
    const base = fixtureSnapshot().top_workflows[0]!;
    render(<TopWorkflows workflows={[{ ...base, run_count: 1, source: 'runs' }, { ...base, workflow_name: 'b', run_count: 1, source: 'calls' }]} onOpen={noop} />);
    const list = screen.getByRole('region', { name: 'Top workflows by cost' }).textContent!;
    expect(list).toContain('1 run ·');
    expect(list).toContain('1 call ·');
    render(<HealthStrip health={{ ...fixtureHealth, records: 1, files: [fixtureHealth.files[0]!] }} onOpenFile={noop} />);
    expect(screen.getByTestId('health-strip').textContent).toContain('1 record from 1 file');
    const errors = { ...fixtureSnapshot().errors, total: 1, retries: { total_retries: 1, calls_with_retries: 1, retry_rate: 100 } };
    render(<ErrorTrendChart errors={errors} tables={{}} onToggleTable={noop} />);
    expect(document.querySelector('[data-chart-id="error-trend"] .chart-summary')!.textContent).toContain('1 error · 1 retry');
    render(<FallbackChart fallback={{ ...fixtureSnapshot().fallback, total_calls: 1 }} tables={{}} onToggleTable={noop} />);
    expect(document.querySelector('[data-chart-id="fallback"] .chart-summary')!.textContent).toContain('of 1 call fell back');
    render(<OverviewCards overview={{ ...fixtureOverview, errors: 1 }} deltas={fixtureDeltas} />);
    expect(screen.getByTestId('card-success').title).toBe('1 error');
  });
});

describe('every card shows the same kind of delta', () => {
  const cardDeltas = () => ['cost', 'calls', 'success', 'latency', 'tokens', 'workflows'].map((id) => screen.getByTestId(`card-${id}`).querySelector('.card-delta')!.textContent);

  it('after an empty previous period (counts 0, rates and latency null) all six say "new vs prev"', () => {
    // The sidecar's deltas when the previous period existed but had no calls (publisher._delta).
    const emptyBefore: Deltas = {
      total_cost: { previous: 0, change: 12.3, percent: null },
      calls: { previous: 0, change: 1234, percent: null },
      success_rate: { previous: null, change: null, percent: null },
      avg_latency_ms: { previous: null, change: null, percent: null },
      input_tokens: { previous: 0, change: 5000, percent: null },
      output_tokens: { previous: 0, change: 800, percent: null },
      active_workflows: { previous: 0, change: 6, percent: null },
    };
    render(<OverviewCards overview={fixtureOverview} deltas={emptyBefore} />);
    expect(cardDeltas()).toEqual(Array(6).fill('new vs prev'));
  });

  it('without a previous period (range All) all six show a dash', () => {
    render(<OverviewCards overview={fixtureOverview} deltas={noDeltas} />);
    expect(cardDeltas()).toEqual(Array(6).fill('—'));
  });
});
