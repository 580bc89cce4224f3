/**
 * The panel's charts. Each one maps snapshot sections straight to Chart.js datasets (no arithmetic)
 * and offers the same rows as a table. Data and options are memoised so react-chartjs-2 updates the
 * one Chart per canvas in place only when the snapshot or the theme actually changed.
 */
import { useMemo } from 'react';
import { Bar, Doughnut, Line } from 'react-chartjs-2';
import type { ChartData, ChartOptions } from 'chart.js';
import type { AnomalyMarker, CostPoint, Errors, Fallback, ProviderStats, TierStats } from '../protocol';
import { formatBucketLabel, formatCost, formatCount, formatLatency, formatPercent, plural } from '../format';
import { useThemeColors } from '../theme';
import { axis, baseOptions, categoryAxis } from './setup';
import { ChartCard } from './ChartCard';
import { DataTable } from './DataTable';

/** The cost chart's dataset of anomaly markers (its tooltip shows the sidecar's sentences). */
export const ANOMALY_LABEL = 'Unusual spend';

export interface ToggleProps {
  tables: Record<string, boolean>;
  onToggleTable: (id: string) => void;
}


// ---- cost over time ------------------------------------------------------------------------

/** Anomaly texts by cost-series date (the sidecar's `AnomalyMarker.date` is a cost_series date). */
function markersByDate(anomalies: AnomalyMarker[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of anomalies) out.set(m.date, [...(out.get(m.date) ?? []), m.text]);
  return out;
}

export function CostOverTimeChart({
  series,
  anomalies = [],
  tables,
  onToggleTable,
}: { series: CostPoint[]; anomalies?: AnomalyMarker[] } & ToggleProps) {
  const colors = useThemeColors();
  const marked = useMemo(() => markersByDate(anomalies), [anomalies]);
  const data = useMemo<ChartData<'line'>>(
    () => ({
      labels: series.map((p) => formatBucketLabel(p.date, false)),
      datasets: [
        {
          label: 'Cost',
          data: series.map((p) => p.cost),
          borderColor: colors.palette[0],
          backgroundColor: colors.palette[0],
          pointRadius: series.length > 40 ? 0 : 2,
          tension: 0.2,
        },
        // The unusual days: a marker on the day's cost point (no line), the sidecar's text as tooltip.
        {
          label: ANOMALY_LABEL,
          data: series.map((p) => (marked.has(p.date) ? p.cost : null)),
          showLine: false,
          pointStyle: 'triangle',
          pointRadius: 6,
          pointHoverRadius: 8,
          borderColor: colors.palette[1] ?? colors.foreground,
          backgroundColor: colors.palette[1] ?? colors.foreground,
        },
      ],
    }),
    [series, marked, colors],
  );
  const options = useMemo<ChartOptions<'line'>>(
    () => ({
      ...baseOptions<'line'>(colors),
      plugins: {
        ...baseOptions<'line'>(colors).plugins,
        legend: { display: false },
        tooltip: {
          callbacks: {
            // Canvas text: plain by construction, whatever the workflow names hold.
            label: (ctx) =>
              ctx.dataset.label === ANOMALY_LABEL
                ? (marked.get(series[ctx.dataIndex]?.date ?? '') ?? [])
                : `${ctx.dataset.label ?? ''}: ${formatCost(ctx.parsed.y)}`,
          },
        },
      },
      scales: { x: categoryAxis(colors), y: axis(colors, formatCost) },
    }),
    [colors, marked, series],
  );
  return (
    <ChartCard
      id="cost-over-time"
      title="Cost over time"
      showTable={!!tables['cost-over-time']}
      onToggleTable={onToggleTable}
      chart={
        <Line
          data={data}
          options={options}
          role="img"
          aria-label={`Line chart of cost per day${anomalies.length ? `, ${plural(anomalies.length, 'unusual day marker')}` : ''}`}
        />
      }
      table={
        <DataTable
          caption="Cost per day"
          rows={series}
          rowKey={(p) => p.date}
          columns={[
            { header: 'Date', cell: (p) => p.date },
            { header: 'Cost', cell: (p) => formatCost(p.cost), numeric: true },
            { header: 'Calls', cell: (p) => formatCount(p.calls), numeric: true },
            { header: 'Errors', cell: (p) => formatCount(p.errors), numeric: true },
            { header: 'Unusual', cell: (p) => (marked.get(p.date) ?? []).join('; ') },
          ]}
        />
      }
    />
  );
}

// ---- cost by provider ----------------------------------------------------------------------

export function ProviderCostChart({ byProvider, tables, onToggleTable }: { byProvider: Record<string, ProviderStats> } & ToggleProps) {
  const colors = useThemeColors();
  const entries = useMemo(() => Object.entries(byProvider), [byProvider]);
  const data = useMemo<ChartData<'doughnut'>>(
    () => ({
      labels: entries.map(([name]) => name),
      datasets: [
        {
          label: 'Cost',
          data: entries.map(([, s]) => s.total_cost),
          backgroundColor: entries.map((_, i) => colors.palette[i % colors.palette.length] ?? colors.foreground),
          borderColor: colors.background,
        },
      ],
    }),
    [entries, colors],
  );
  const options = useMemo<ChartOptions<'doughnut'>>(
    () => ({
      ...baseOptions<'doughnut'>(colors),
      plugins: {
        ...baseOptions<'doughnut'>(colors).plugins,
        legend: { position: 'right', labels: { color: colors.foreground, font: { family: colors.fontFamily } } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.label}: ${formatCost(ctx.parsed)}` } },
      },
    }),
    [colors],
  );
  return (
    <ChartCard
      id="cost-by-provider"
      title="Cost by provider"
      showTable={!!tables['cost-by-provider']}
      onToggleTable={onToggleTable}
      chart={<Doughnut data={data} options={options} role="img" aria-label="Doughnut chart of cost by provider" />}
      table={
        <DataTable
          caption="Cost by provider"
          rows={entries}
          rowKey={([name]) => name}
          columns={[
            { header: 'Provider', cell: ([name]) => name },
            { header: 'Cost', cell: ([, s]) => formatCost(s.total_cost), numeric: true },
            { header: 'Calls', cell: ([, s]) => formatCount(s.call_count), numeric: true },
            { header: 'Errors', cell: ([, s]) => formatCount(s.error_count), numeric: true },
            { header: 'Avg latency', cell: ([, s]) => formatLatency(s.avg_latency_ms), numeric: true },
          ]}
        />
      }
    />
  );
}

// ---- cost and calls by tier ----------------------------------------------------------------

export function TierCostChart({ byTier, tables, onToggleTable }: { byTier: Record<string, TierStats> } & ToggleProps) {
  const colors = useThemeColors();
  const entries = useMemo(() => Object.entries(byTier), [byTier]);
  const data = useMemo<ChartData<'bar'>>(
    () => ({
      labels: entries.map(([tier]) => tier),
      datasets: [
        { label: 'Cost', data: entries.map(([, t]) => t.cost), backgroundColor: colors.palette[0], yAxisID: 'y' },
        { label: 'Calls', data: entries.map(([, t]) => t.count), backgroundColor: colors.palette[1], yAxisID: 'y1' },
      ],
    }),
    [entries, colors],
  );
  const options = useMemo<ChartOptions<'bar'>>(
    () => ({
      ...baseOptions<'bar'>(colors),
      plugins: {
        ...baseOptions<'bar'>(colors).plugins,
        tooltip: {
          callbacks: {
            label: (ctx) =>
              ctx.dataset.yAxisID === 'y'
                ? `${ctx.dataset.label ?? ''}: ${formatCost(ctx.parsed.y)}`
                : `${ctx.dataset.label ?? ''}: ${formatCount(ctx.parsed.y)}`,
          },
        },
      },
      scales: { x: categoryAxis(colors), y: axis(colors, formatCost), y1: axis(colors, formatCount, 'right', true) },
    }),
    [colors],
  );
  return (
    <ChartCard
      id="cost-by-tier"
      title="Cost and calls by tier"
      showTable={!!tables['cost-by-tier']}
      onToggleTable={onToggleTable}
      chart={<Bar data={data} options={options} role="img" aria-label="Bar chart of cost and calls by tier" />}
      table={
        <DataTable
          caption="Cost and calls by tier"
          rows={entries}
          rowKey={([tier]) => tier}
          columns={[
            { header: 'Tier', cell: ([tier]) => tier },
            { header: 'Cost', cell: ([, t]) => formatCost(t.cost), numeric: true },
            { header: 'Calls', cell: ([, t]) => formatCount(t.count), numeric: true },
            { header: 'Share of calls', cell: ([, t]) => formatPercent(t.percent), numeric: true },
            { header: 'Errors', cell: ([, t]) => formatCount(t.error_count), numeric: true },
          ]}
        />
      }
    />
  );
}

// ---- latency by tier -----------------------------------------------------------------------

export function LatencyByTierChart({ byTier, tables, onToggleTable }: { byTier: Record<string, TierStats> } & ToggleProps) {
  const colors = useThemeColors();
  const entries = useMemo(() => Object.entries(byTier), [byTier]);
  const data = useMemo<ChartData<'bar'>>(
    () => ({
      labels: entries.map(([tier]) => tier),
      datasets: [
        { label: 'Average', data: entries.map(([, t]) => t.avg_latency_ms), backgroundColor: colors.palette[2] },
        { label: 'p95', data: entries.map(([, t]) => t.p95_latency_ms), backgroundColor: colors.palette[3] },
      ],
    }),
    [entries, colors],
  );
  const options = useMemo<ChartOptions<'bar'>>(
    () => ({
      ...baseOptions<'bar'>(colors),
      plugins: {
        ...baseOptions<'bar'>(colors).plugins,
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label ?? ''}: ${formatLatency(ctx.parsed.y)}` } },
      },
      scales: { x: categoryAxis(colors), y: axis(colors, formatLatency) },
    }),
    [colors],
  );
  return (
    <ChartCard
      id="latency-by-tier"
      title="Latency by tier (avg and p95)"
      showTable={!!tables['latency-by-tier']}
      onToggleTable={onToggleTable}
      chart={<Bar data={data} options={options} role="img" aria-label="Bar chart of average and p95 latency by tier" />}
      table={
        <DataTable
          caption="Latency by tier"
          rows={entries}
          rowKey={([tier]) => tier}
          columns={[
            { header: 'Tier', cell: ([tier]) => tier },
            { header: 'Average', cell: ([, t]) => formatLatency(t.avg_latency_ms), numeric: true },
            { header: 'p95', cell: ([, t]) => formatLatency(t.p95_latency_ms), numeric: true },
          ]}
        />
      }
    />
  );
}

// ---- fallback rate -------------------------------------------------------------------------

export function FallbackChart({ fallback, tables, onToggleTable }: { fallback: Fallback } & ToggleProps) {
  const colors = useThemeColors();
  const entries = useMemo(() => Object.entries(fallback.by_original_provider), [fallback]);
  const data = useMemo<ChartData<'bar'>>(
    () => ({
      labels: entries.map(([provider]) => provider),
      datasets: [{ label: 'Fallbacks', data: entries.map(([, n]) => n), backgroundColor: colors.palette[1] }],
    }),
    [entries, colors],
  );
  const options = useMemo<ChartOptions<'bar'>>(
    () => ({
      ...baseOptions<'bar'>(colors),
      indexAxis: 'y',
      plugins: { ...baseOptions<'bar'>(colors).plugins, legend: { display: false } },
      scales: { x: axis(colors, formatCount, 'left', true), y: categoryAxis(colors) },
    }),
    [colors],
  );
  return (
    <ChartCard
      id="fallback"
      title="Fallback rate"
      showTable={!!tables['fallback']}
      onToggleTable={onToggleTable}
      summary={
        <>
          <span className="big-number">{formatPercent(fallback.fallback_percent)}</span>{' '}
          <span className="muted">
            of {plural(fallback.total_calls, 'call')} fell back ({formatCount(fallback.fallback_count)})
          </span>
          {fallback.top_chains.length > 0 && (
            <ul className="chains" aria-label="Top fallback chains">
              {fallback.top_chains.slice(0, 3).map((c) => (
                <li key={c.chain.join('>')}>
                  {c.chain.join(' → ')} <span className="muted">×{formatCount(c.count)}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      }
      chart={<Bar data={data} options={options} role="img" aria-label="Bar chart of fallbacks by original provider" />}
      table={
        <DataTable
          caption="Fallbacks by original provider"
          rows={entries}
          rowKey={([provider]) => provider}
          columns={[
            { header: 'Original provider', cell: ([provider]) => provider },
            { header: 'Fallbacks', cell: ([, n]) => formatCount(n), numeric: true },
          ]}
        />
      }
    />
  );
}

// ---- error-rate trend ----------------------------------------------------------------------

interface ErrorBucket {
  key: string;
  label: string;
  calls: number;
  errors: number;
  error_rate: number;
}

export function ErrorTrendChart({ errors, tables, onToggleTable }: { errors: Errors } & ToggleProps) {
  const colors = useThemeColors();
  const byHour = errors.by_hour !== null;
  const buckets = useMemo<ErrorBucket[]>(
    () =>
      errors.by_hour !== null
        ? errors.by_hour.map((h) => ({ key: h.hour, label: formatBucketLabel(h.hour, true), calls: h.calls, errors: h.errors, error_rate: h.error_rate }))
        : errors.by_day.map((d) => ({ key: d.date, label: formatBucketLabel(d.date, false), calls: d.calls, errors: d.errors, error_rate: d.error_rate })),
    [errors],
  );
  const data = useMemo<ChartData<'line'>>(
    () => ({
      labels: buckets.map((b) => b.label),
      datasets: [
        {
          label: 'Error rate',
          data: buckets.map((b) => b.error_rate),
          borderColor: colors.error,
          backgroundColor: colors.error,
          pointRadius: buckets.length > 40 ? 0 : 2,
          tension: 0.2,
        },
      ],
    }),
    [buckets, colors],
  );
  const options = useMemo<ChartOptions<'line'>>(
    () => ({
      ...baseOptions<'line'>(colors),
      plugins: {
        ...baseOptions<'line'>(colors).plugins,
        legend: { display: false },
        tooltip: { callbacks: { label: (ctx) => `Error rate: ${formatPercent(ctx.parsed.y)}` } },
      },
      scales: { x: categoryAxis(colors), y: axis(colors, formatPercent) },
    }),
    [colors],
  );
  return (
    <ChartCard
      id="error-trend"
      title={byHour ? 'Error rate by hour' : 'Error rate by day'}
      showTable={!!tables['error-trend']}
      onToggleTable={onToggleTable}
      summary={
        <>
          <span className="big-number">{formatPercent(errors.error_rate)}</span>{' '}
          <span className="muted">
            {plural(errors.total, 'error')} · {plural(errors.retries.total_retries, 'retry', 'retries')}
          </span>
        </>
      }
      chart={<Line data={data} options={options} role="img" aria-label={`Line chart of error rate by ${byHour ? 'hour' : 'day'}`} />}
      table={
        <DataTable
          caption={byHour ? 'Error rate by hour' : 'Error rate by day'}
          rows={buckets}
          rowKey={(b) => b.key}
          columns={[
            { header: byHour ? 'Hour' : 'Date', cell: (b) => (byHour ? b.label : b.key) },
            { header: 'Calls', cell: (b) => formatCount(b.calls), numeric: true },
            { header: 'Errors', cell: (b) => formatCount(b.errors), numeric: true },
            { header: 'Error rate', cell: (b) => formatPercent(b.error_rate), numeric: true },
          ]}
        />
      }
    />
  );
}
