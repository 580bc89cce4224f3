/**
 * The five most expensive workflows (ordered by the sidecar); each opens its source. "Show all"
 * lists every workflow of the window (`workflows`), not only the five.
 */
import type { MouseEvent } from 'react';
import type { WorkflowStats } from '../protocol';
import { formatCost, formatLatency, plural } from '../format';
import { DataTable, type Column } from '../charts/DataTable';

export const TOP_WORKFLOWS_ID = 'top-workflows';

const COLUMNS: Column<WorkflowStats>[] = [
  { header: 'Workflow', cell: (w) => w.workflow_name },
  { header: 'Cost', cell: (w) => formatCost(w.total_cost), numeric: true },
  { header: 'Runs', cell: (w) => plural(w.run_count, w.source === 'runs' ? 'run' : 'call'), numeric: true },
  { header: 'Avg cost', cell: (w) => formatCost(w.avg_cost), numeric: true },
  { header: 'Savings', cell: (w) => formatCost(w.total_savings), numeric: true },
  { header: 'Avg duration', cell: (w) => formatLatency(w.avg_duration_ms), numeric: true },
];

export function TopWorkflows({ workflows, all, onOpen, tables = {}, onToggleTable = () => undefined }: {
  workflows: WorkflowStats[];
  /** Every workflow (the snapshot's `workflows`); the table lists these. */
  all?: WorkflowStats[];
  onOpen: (workflowName: string) => void;
  tables?: Record<string, boolean>;
  onToggleTable?: (id: string) => void;
}) {
  const top = workflows.slice(0, 5);
  const list =
    top.length === 0 ? (
      <p className="muted">No workflows in this range.</p>
    ) : (
      <ol className="top-list">
        {top.map((w) => (
          <li key={w.workflow_name}>
            <button type="button" className="list-button" onClick={() => onOpen(w.workflow_name)} title={`Open the source of ${w.workflow_name}`}>
              <span className="name truncate" title={w.workflow_name}>
                {w.workflow_name}
              </span>
              <span className="num">{formatCost(w.total_cost)}</span>
              <span className="muted num">
                {w.source === 'runs' ? plural(w.run_count, 'run') : plural(w.run_count, 'call')} · avg {formatCost(w.avg_cost)}
              </span>
            </button>
          </li>
        ))}
      </ol>
    );
  const rows = all ?? workflows;
  const showAll = !!tables[TOP_WORKFLOWS_ID];
  // A disclosure link, not a button: the card's buttons are its workflows (each opens its source).
  const toggle = (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    onToggleTable(TOP_WORKFLOWS_ID);
  };
  return (
    <section className="panel" aria-labelledby="top-workflows-heading" data-chart-id={TOP_WORKFLOWS_ID}>
      <header className="panel-header">
        <h2 id="top-workflows-heading">Top workflows by cost</h2>
        {rows.length > 0 && (
          <a href="#all-workflows" className="link-button" aria-expanded={showAll} aria-controls="all-workflows" onClick={toggle}>
            {showAll ? 'Show top 5' : `Show all (${rows.length})`}
          </a>
        )}
      </header>
      {showAll ? (
        <div id="all-workflows" className="chart-table">
          <DataTable caption={`Every workflow in this range (${rows.length})`} columns={COLUMNS} rows={rows} rowKey={(w) => w.workflow_name} />
        </div>
      ) : (
        list
      )}
    </section>
  );
}
