/**
 * The live activity feed: latest calls first, filters that re-query the sidecar, and paging.
 * A row opens the call's source with a click, Enter or Space.
 */
import type { KeyboardEvent } from 'react';
import type { CallRow, Filters } from '../protocol';
import { DASH, ellipsize, formatCallCost, formatDateTime, formatLatency, formatTimeAgo, plural } from '../format';

export interface FilterOptions {
  workflow: string[];
  /** The steps of the filtered workflow (all steps without one), as the sidecar lists them. */
  step: string[];
  provider: string[];
  tier: string[];
}

const FILTERS: { key: keyof FilterOptions; label: string; all: string }[] = [
  { key: 'workflow', label: 'Workflow', all: 'All workflows' },
  { key: 'step', label: 'Step', all: 'All steps' },
  { key: 'provider', label: 'Provider', all: 'All providers' },
  { key: 'tier', label: 'Tier', all: 'All tiers' },
];

/** A name cell of any length: one line, cut with an ellipsis by CSS, the whole name in its title. */
function Name({ text }: { text: string }) {
  return (
    <span className="truncate" title={text}>
      {text}
    </span>
  );
}

/** Where a row's cost comes from (the sidecar's `cost_source`, in the view's cost mode). */
const SOURCE_TITLES: Record<NonNullable<CallRow['cost_source']>, string> = {
  actual: 'Actual cost (billed by the provider)',
  writer: "The writer's estimate",
  list: 'List price (from the price book or prices.yaml)',
  free: 'Free (a local model, or a failed call that was not billed)',
  unpriced: 'No price for this model anywhere: not in the total (add one in prices.yaml)',
  subscription: 'On a subscription plan (monitoring.yaml sources:): no money spent per call',
};

function costTitle(row: CallRow): string | undefined {
  return row.cost_source ? SOURCE_TITLES[row.cost_source] : undefined;
}

/** A call's cost in the view's mode; an unpriced call shows a badge, never "$0.00". */
function CallCost({ row }: { row: CallRow }) {
  if (row.cost_source === 'unpriced') {
    return (
      <span className="badge badge-unpriced" data-testid="call-unpriced">
        unpriced
      </span>
    );
  }
  return <>{formatCallCost(row.cost)}</>;
}

const CLOCK = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

export function ActivityFeed({ rows, nowMs, filters, options, onFilter, onOpen, canLoadMore, loadingMore, onLoadMore, clearedAt, onClear, onShowEarlier }: {
  rows: CallRow[];
  nowMs: number;
  filters: Filters;
  options: FilterOptions;
  onFilter: (key: keyof FilterOptions, value: string) => void;
  onOpen: (row: CallRow) => void;
  canLoadMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  /** Epoch ms of the feed's "Clear" (view only), or null. */
  clearedAt: number | null;
  onClear: () => void;
  onShowEarlier: () => void;
}) {
  const onKeyDown = (event: KeyboardEvent<HTMLTableRowElement>, row: CallRow) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen(row);
    }
  };
  return (
    <section className="panel activity" aria-labelledby="activity-heading">
      <header className="panel-header">
        <h2 id="activity-heading">Live activity</h2>
        <div className="filters">
          {FILTERS.map((f) => (
            <label key={f.key}>
              <span>{f.label}</span>
              <select value={filters[f.key] ?? ''} title={filters[f.key] || f.all} onChange={(e) => onFilter(f.key, e.target.value)}>
                <option value="">{f.all}</option>
                {options[f.key].map((value) => (
                  <option key={value} value={value} title={value}>
                    {ellipsize(value)}
                  </option>
                ))}
              </select>
            </label>
          ))}
          <button type="button" className="secondary" onClick={onClear} title="Hide the calls shown so far (view only; nothing is deleted)">
            Clear
          </button>
        </div>
      </header>
      <div className="table-scroll">
        <table className="activity-table" aria-label="Activity feed">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Workflow</th>
              <th scope="col">Provider</th>
              <th scope="col">Model</th>
              <th scope="col">Tier</th>
              <th scope="col" className="num">Cost</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">Latency</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && clearedAt === null ? (
              <tr>
                <td colSpan={8} className="muted">
                  No calls match these filters.
                </td>
              </tr>
            ) : (
              rows.map((row) => (
                <tr
                  key={row.call_id}
                  role="row"
                  tabIndex={0}
                  data-call-id={row.call_id}
                  className={`activity-row${row.success ? '' : ' failed'}`}
                  onClick={() => onOpen(row)}
                  onKeyDown={(e) => onKeyDown(e, row)}
                  title={row.step_name ? `Step: ${row.step_name}` : undefined}
                >
                  <td title={formatDateTime(row.timestamp)}>{formatTimeAgo(row.timestamp, nowMs)}</td>
                  <td>{row.workflow_name === null ? DASH : <Name text={row.workflow_name} />}</td>
                  <td>
                    <Name text={row.provider} />
                  </td>
                  <td>
                    <Name text={row.model_id} />
                  </td>
                  <td>
                    <Name text={row.tier} />
                  </td>
                  <td className="num" title={costTitle(row)}>
                    <CallCost row={row} />
                  </td>
                  <td title={row.error_message ?? undefined}>
                    <span className="truncate status-cell">
                      <span className={`status-dot ${row.success ? 'ok' : 'err'}`} aria-hidden="true" />
                      {row.success ? 'ok' : (row.error_type ?? 'error')}
                      {row.fallback_used && <span className="muted"> · fallback</span>}
                      {row.retry_count > 0 && <span className="muted"> · {plural(row.retry_count, 'retry', 'retries')}</span>}
                    </span>
                  </td>
                  <td className="num">{formatLatency(row.latency_ms)}</td>
                </tr>
              ))
            )}
            {clearedAt !== null && (
              <tr className="feed-marker" data-testid="feed-marker">
                <td colSpan={8}>
                  <span>cleared at {CLOCK.format(clearedAt)}</span>{' '}
                  <button type="button" className="link-button" onClick={onShowEarlier}>
                    Show earlier calls
                  </button>
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {canLoadMore && (
        <button type="button" className="secondary load-more" onClick={onLoadMore} disabled={loadingMore}>
          Load more
        </button>
      )}
    </section>
  );
}
