/**
 * "Cost by user" and "Cost by project": the top 10 values (ordered by the sidecar) and, with
 * "Show as table", every value the snapshot carries. Users and sessions are capped by the sidecar
 * (the rest is searched from the filter bar), so the table says how many exist in the window.
 */
import type { DimensionStats } from '../protocol';
import { formatCount, formatLatency, formatPricedCost, plural } from '../format';
import { ChartCard } from '../charts/ChartCard';
import { DataTable, type Column } from '../charts/DataTable';
import type { ToggleProps } from '../charts/Charts';

export const CARD_TOP = 10;

type Row = [string, DimensionStats];

const COLUMNS: Column<Row>[] = [
  { header: 'Value', cell: ([k]) => k },
  { header: 'Calls', cell: ([, s]) => formatCount(s.call_count), numeric: true },
  { header: 'Cost', cell: ([, s]) => formatPricedCost(s.total_cost, s.call_count, s.unpriced_calls), numeric: true },
  { header: 'Tokens', cell: ([, s]) => formatCount(s.total_tokens), numeric: true },
  { header: 'Errors', cell: ([, s]) => formatCount(s.error_count), numeric: true },
  { header: 'Avg latency', cell: ([, s]) => formatLatency(s.avg_latency_ms), numeric: true },
];

export function DimensionCard({ id, title, noun, stats, distinct, onPick, tables, onToggleTable }: {
  id: string;
  title: string;
  /** "user", "project": for the empty and "of N" texts. */
  noun: string;
  stats: Record<string, DimensionStats>;
  /** Distinct values in the window (`dimension_counts`); more than `stats` holds when capped. */
  distinct: number;
  /** Filter the panel by one value. */
  onPick: (value: string) => void;
} & ToggleProps) {
  const rows = Object.entries(stats) as Row[];
  const top = rows.slice(0, CARD_TOP);
  const list =
    top.length === 0 ? (
      <p className="muted">No {noun}s in this range.</p>
    ) : (
      <ol className="top-list">
        {top.map(([value, s]) => (
          <li key={value}>
            <button type="button" className="list-button" onClick={() => onPick(value)} title={`Show only ${noun} ${value}`}>
              <span className="name truncate" title={value}>
                {value}
              </span>
              <span className="num">{formatPricedCost(s.total_cost, s.call_count, s.unpriced_calls)}</span>
              <span className="muted num">{plural(s.call_count, 'call')}</span>
            </button>
          </li>
        ))}
      </ol>
    );
  const shown = rows.length < distinct ? `the top ${formatCount(rows.length)} of ${formatCount(distinct)} ${noun}s by cost` : `${plural(rows.length, noun)}`;
  return (
    <ChartCard
      id={id}
      title={title}
      showTable={!!tables[id]}
      onToggleTable={onToggleTable}
      toggleLabel="Show all"
      className="list-card"
      chart={list}
      table={<DataTable caption={`${title}: ${shown}`} columns={COLUMNS} rows={rows} rowKey={([k]) => k} />}
    />
  );
}
