/** The overview cards: each value as the sidecar computed it, with its change against the previous period. */
import type { Overview } from '../protocol';
import { DASH, formatCompact, formatCost, formatCount, formatDelta, formatLatency, formatPercent, type DeltaKind } from '../format';

interface CardSpec {
  id: string;
  label: string;
  value: (o: Overview) => string;
  title?: (o: Overview) => string;
  delta: (o: Overview, p: Overview | null) => { text: string; direction: string };
}

const delta = (kind: DeltaKind, pick: (o: Overview) => number | null) => (o: Overview, p: Overview | null) =>
  formatDelta(kind, pick(o), p === null ? null : pick(p));

const CARDS: CardSpec[] = [
  { id: 'cost', label: 'Total cost', value: (o) => formatCost(o.total_cost), delta: delta('cost', (o) => o.total_cost) },
  { id: 'calls', label: 'Calls', value: (o) => formatCount(o.calls), delta: delta('count', (o) => o.calls) },
  {
    id: 'success',
    label: 'Success rate',
    value: (o) => formatPercent(o.success_rate),
    title: (o) => `${formatCount(o.errors)} errors`,
    delta: delta('percent', (o) => o.success_rate),
  },
  {
    id: 'latency',
    label: 'Avg latency',
    value: (o) => formatLatency(o.avg_latency_ms),
    title: (o) => `p50 ${formatLatency(o.p50_latency_ms)} · p95 ${formatLatency(o.p95_latency_ms)}`,
    delta: delta('latency', (o) => o.avg_latency_ms),
  },
  {
    id: 'tokens',
    label: 'Tokens in / out',
    value: (o) => `${formatCompact(o.input_tokens)} / ${formatCompact(o.output_tokens)}`,
    title: (o) => `${formatCount(o.input_tokens)} in · ${formatCount(o.output_tokens)} out`,
    // Tokens in are the bigger driver of cost; out is in the title.
    delta: delta('count', (o) => o.input_tokens),
  },
  {
    id: 'workflows',
    label: 'Active workflows',
    value: (o) => formatCount(o.active_workflows),
    delta: delta('count', (o) => o.active_workflows),
  },
];

export function OverviewCards({ overview, previous }: { overview: Overview; previous: Overview | null }) {
  return (
    <section className="cards" aria-label="Overview">
      {CARDS.map((card) => {
        const d = card.delta(overview, previous);
        return (
          <div key={card.id} className="card" data-testid={`card-${card.id}`} title={card.title?.(overview)}>
            <div className="card-label">{card.label}</div>
            <div className={`card-value${card.id === 'tokens' ? ' card-value-small' : ''}`}>{card.value(overview)}</div>
            <div className={`card-delta delta-${d.direction}`} aria-label={d.text === DASH ? 'No previous period' : `${d.text} vs previous period`}>
              {d.text === DASH ? DASH : `${d.direction === 'up' ? '▲' : d.direction === 'down' ? '▼' : ''} ${d.text} vs prev`}
            </div>
          </div>
        );
      })}
    </section>
  );
}
