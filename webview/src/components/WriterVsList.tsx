/**
 * Writer vs list price, per model over the window: the writer's sum, the list-price sum and their
 * difference, as the sidecar computed them. A model the sidecar flags (more than 10% apart) is
 * marked. Models without both numbers (no writer cost, or no list price) have no row here.
 */
import type { ModelPrice } from '../protocol';
import { DASH, ellipsize, formatCost, formatPercent } from '../format';

const MODEL_CHARS = 32;

function signedPercent(v: number | null): string {
  if (v === null) return DASH;
  return v > 0 ? `+${formatPercent(v)}` : v < 0 ? `−${formatPercent(-v)}` : formatPercent(v);
}

export function WriterVsList({ models }: { models: ModelPrice[] }) {
  const rows = models.filter((m) => m.difference_pct !== null);
  if (rows.length === 0) return null;
  // The sidecar's own words for each flagged model ("your writer prices … 2.0× the list price since …").
  const notes = rows.flatMap((r) => (r.flagged && r.note ? [r.note] : []));
  return (
    <section className="panel writer-vs-list" aria-labelledby="writer-vs-list-heading" data-testid="writer-vs-list">
      <header className="panel-header">
        <h2 id="writer-vs-list-heading">Writer vs list price</h2>
      </header>
      <table className="data-table">
        <caption>Per model: the writer’s estimated cost against the list price of the same calls</caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col" className="num">Writer</th>
            <th scope="col" className="num">List</th>
            <th scope="col" className="num">Difference</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.provider}\u0000${r.model}`} className={r.flagged ? 'flagged' : undefined} data-model={r.model}>
              <td>
                <span className="truncate" title={`${r.provider} · ${r.model}${r.valid_from ? ` · list price since ${r.valid_from}` : ''}`}>
                  {ellipsize(r.model, MODEL_CHARS)}
                </span>
                {r.flagged && (
                  <span className="badge badge-price-flag" title={r.note ?? undefined}>
                    differs
                  </span>
                )}
              </td>
              <td className="num">{formatCost(r.writer_cost)}</td>
              <td className="num">{formatCost(r.list_cost)}</td>
              <td className="num">{signedPercent(r.difference_pct)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {notes.length > 0 && (
        <ul className="price-notes" data-testid="price-notes">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
