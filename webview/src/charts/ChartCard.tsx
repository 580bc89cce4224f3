/**
 * A titled panel with a "Show as table" toggle: the chart, or the same data as a table.
 *
 * Toggling unmounts the chart, which destroys its Chart.js instance; toggling back creates one again.
 */
import { useId, type ReactNode } from 'react';

export function ChartCard({ id, title, showTable, onToggleTable, chart, table, summary, className, toggleLabel = 'Show as table' }: {
  id: string;
  title: string;
  showTable: boolean;
  onToggleTable: (id: string) => void;
  chart: ReactNode;
  table: ReactNode;
  /** A one-line text summary shown above the chart (also read by screen readers). */
  summary?: ReactNode;
  className?: string;
  /** The toggle's text: list cards say "Show all" (their table holds more rows than the list). */
  toggleLabel?: string;
}) {
  const headingId = useId();
  const bodyId = useId();
  return (
    <section className={`panel chart-card ${className ?? ''}`} aria-labelledby={headingId} data-chart-id={id}>
      <header className="panel-header">
        <h2 id={headingId}>{title}</h2>
        <button
          type="button"
          className="link-button"
          aria-pressed={showTable}
          aria-controls={bodyId}
          onClick={() => onToggleTable(id)}
        >
          {toggleLabel}
        </button>
      </header>
      {summary !== undefined && <div className="chart-summary">{summary}</div>}
      <div id={bodyId} className={showTable ? 'chart-table' : 'chart-box'}>
        {showTable ? table : chart}
      </div>
    </section>
  );
}
