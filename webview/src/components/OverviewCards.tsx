/** The overview cards: each value and its change against the previous period, as the sidecar computed them. */
import type { Deltas, Overview } from '../protocol';
import { DASH, formatCompact, formatCost, formatCount, formatDelta, formatLatency, formatPercent, plural, type DeltaKind } from '../format';

interface CardSpec {
  id: string;
  label: string;
  value: (o: Overview) => string;
  title?: (o: Overview) => string;
  delta: { key: keyof Deltas; kind: DeltaKind };
}

const CARDS: CardSpec[] = [
  { id: 'cost', label: 'Total cost', value: (o) => formatCost(o.total_cost), delta: { key: 'total_cost', kind: 'cost' } },
  { id: 'calls', label: 'Calls', value: (o) => formatCount(o.calls), delta: { key: 'calls', kind: 'count' } },
  {
    id: 'success',
    label: 'Success rate',
    value: (o) => formatPercent(o.success_rate),
    title: (o) => plural(o.errors, 'error'),
    delta: { key: 'success_rate', kind: 'percent' },
  },
  {
    id: 'latency',
    label: 'Avg latency',
    value: (o) => formatLatency(o.avg_latency_ms),
    title: (o) => `p50 ${formatLatency(o.p50_latency_ms)} · p95 ${formatLatency(o.p95_latency_ms)}`,
    delta: { key: 'avg_latency_ms', kind: 'latency' },
  },
  {
    id: 'tokens',
    label: 'Tokens in / out',
    value: (o) => `${formatCompact(o.input_tokens)} / ${formatCompact(o.output_tokens)}`,
    title: (o) => `${formatCount(o.input_tokens)} in · ${formatCount(o.output_tokens)} out`,
    // Tokens in are the bigger driver of cost; out is in the title.
    delta: { key: 'input_tokens', kind: 'count' },
  },
  {
    id: 'workflows',
    label: 'Active workflows',
    value: (o) => formatCount(o.active_workflows),
    delta: { key: 'active_workflows', kind: 'count' },
  },
];

export function OverviewCards({ overview, deltas }: { overview: Overview; deltas: Deltas | null }) {
  return (
    <section className="cards" aria-label="Overview">
      {CARDS.map((card) => {
        // The sidecar's shape for "there was a previous period, with no calls in it".
        const previousEmpty = deltas?.calls.previous === 0;
        const d = formatDelta(card.delta.kind, deltas?.[card.delta.key], previousEmpty ? overview[card.delta.key] : undefined);
        // "new" has nothing to compare with: no arrow, on every card alike.
        const arrow = d.text === 'new' ? '' : d.direction === 'up' ? '▲ ' : d.direction === 'down' ? '▼ ' : '';
        return (
          <div key={card.id} className="card" data-testid={`card-${card.id}`} title={card.title?.(overview)}>
            <div className="card-label">{card.label}</div>
            <div className={`card-value${card.id === 'tokens' ? ' card-value-small' : ''}`}>{card.value(overview)}</div>
            <div className={`card-delta delta-${d.direction}`} aria-label={d.text === DASH ? 'No previous period' : `${d.text} vs previous period`}>
              {d.text === DASH ? DASH : `${arrow}${d.text} vs prev`}
            </div>
          </div>
        );
      })}
    </section>
  );
}
