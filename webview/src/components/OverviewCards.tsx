/** The overview cards: each value and its change against the previous period, as the sidecar computed them. */
import type { ReactNode } from 'react';
import type { CostMode, Deltas, Overview } from '../protocol';
import { DASH, ellipsize, formatCompact, formatCost, formatCount, formatDelta, formatLatency, formatPercent, plural, type DeltaKind } from '../format';

/** Unpriced models named on the Total cost card; the rest are counted ("+ 2 more models"). */
export const UNPRICED_SHOWN = 3;
/** Model names on a card are cut to this many characters (the full name is in the title). */
const MODEL_CHARS = 28;

/**
 * Under the total: "+ N calls unpriced" (their cost is not in the total, never counted as $0), the
 * models, each with "Add a price", the list-price equivalent of calls on a subscription plan (apart from
 * money spent), and what prompt caching saved at list price when the sidecar says.
 */
function CostExtra({ overview: o, onAddPrice }: { overview: Overview; onAddPrice?: (model: string, provider: string) => void }) {
  const models = o.unpriced_models;
  const shown = models.slice(0, UNPRICED_SHOWN);
  return (
    <>
      {o.unpriced_calls > 0 && (
        <div className="card-unpriced" data-testid="unpriced">
          <span className="badge badge-unpriced" title={`${formatCount(o.unpriced_tokens)} tokens without a price: not in the total`}>
            + {plural(o.unpriced_calls, 'call')} unpriced
          </span>
          <ul className="unpriced-models">
            {shown.map((m) => (
              <li key={`${m.provider}\u0000${m.model}`}>
                <span className="truncate" title={`${m.provider} · ${m.model}: ${plural(m.calls, 'call')}, ${plural(m.tokens, 'token')}`}>
                  {ellipsize(m.model, MODEL_CHARS)}
                </span>
                {onAddPrice && (
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Add a price for ${m.model}`}
                    title={`Open .empathy/prices.yaml at a stub for ${m.model}`}
                    onClick={() => onAddPrice(m.model, m.provider)}
                  >
                    Add a price
                  </button>
                )}
              </li>
            ))}
          </ul>
          {models.length > shown.length && <div className="muted">+ {plural(models.length - shown.length, 'more model')}</div>}
        </div>
      )}
      {o.subscription_calls > 0 && (
        <div
          className="card-sub"
          data-testid="subscription-value"
          title={`${plural(o.subscription_calls, 'call')} of sources on a subscription plan: what they would cost per token, not money spent (not in the total)`}
        >
          + {formatCost(o.subscription_value)} list-price equivalent (subscription)
        </div>
      )}
      {o.cache_savings !== 0 && (
        <div className="card-sub" data-testid="cache-savings" title="What prompt caching saved, at list price">
          cache saved {formatCost(o.cache_savings)}
        </div>
      )}
    </>
  );
}

/** Under the token counts: cache read / write tokens and the hit rate, when there were any. */
function TokensExtra({ overview: o }: { overview: Overview }) {
  if (o.cache_read_tokens === 0 && o.cache_write_tokens === 0) return null;
  return (
    <div
      className="card-sub"
      data-testid="cache-tokens"
      title={`${formatCount(o.cache_read_tokens)} cache read · ${formatCount(o.cache_write_tokens)} cache write (not in “in”)`}
    >
      cache {formatCompact(o.cache_read_tokens)} read / {formatCompact(o.cache_write_tokens)} write
      {o.cache_hit_rate !== null && ` · ${formatPercent(o.cache_hit_rate)} hit`}
    </div>
  );
}

interface CardSpec {
  id: string;
  label: string;
  value: (o: Overview) => string;
  title?: (o: Overview) => string;
  delta: { key: keyof Deltas; kind: DeltaKind };
}

type AddPrice = (model: string, provider: string) => void;

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

function extra(id: string, overview: Overview, onAddPrice?: AddPrice): ReactNode {
  if (id === 'cost') return <CostExtra overview={overview} onAddPrice={onAddPrice} />;
  if (id === 'tokens') return <TokensExtra overview={overview} />;
  return null;
}

/** How the cost card names a view's own mode ("Total cost · list price"). */
const MODE_NOTE: Record<CostMode, string> = { auto: 'auto', writer: 'writer’s prices', list: 'list price' };

export function OverviewCards({ overview, deltas, onAddPrice, costModes }: {
  overview: Overview;
  deltas: Deltas | null;
  onAddPrice?: AddPrice;
  /** Marks the cost card when this view's mode is not the workspace's. */
  costModes?: { view: CostMode; workspace: CostMode } | null;
}) {
  const ownMode = costModes && costModes.view !== costModes.workspace ? costModes.view : null;
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
            <div className="card-label">
              {card.label}
              {card.id === 'cost' && ownMode && <span data-testid="cost-mode-note"> · {MODE_NOTE[ownMode]}</span>}
            </div>
            <div className={`card-value${card.id === 'tokens' ? ' card-value-small' : ''}`}>{card.value(overview)}</div>
            <div className={`card-delta delta-${d.direction}`} aria-label={d.text === DASH ? 'No previous period' : `${d.text} vs previous period`}>
              {d.text === DASH ? DASH : `${arrow}${d.text} vs prev`}
            </div>
            {extra(card.id, overview, onAddPrice)}
          </div>
        );
      })}
    </section>
  );
}
