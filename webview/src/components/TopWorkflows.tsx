/** The five most expensive workflows (ordered by the sidecar); each opens its source. */
import type { WorkflowStats } from '../protocol';
import { formatCost, plural } from '../format';

export function TopWorkflows({ workflows, onOpen }: { workflows: WorkflowStats[]; onOpen: (workflowName: string) => void }) {
  const top = workflows.slice(0, 5);
  return (
    <section className="panel" aria-labelledby="top-workflows-heading">
      <header className="panel-header">
        <h2 id="top-workflows-heading">Top workflows by cost</h2>
      </header>
      {top.length === 0 ? (
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
      )}
    </section>
  );
}
