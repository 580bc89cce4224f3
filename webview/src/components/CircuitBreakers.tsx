/** Circuit breaker state per provider as badges. */
import type { CircuitBreaker } from '../protocol';
import { formatDateTime, formatTimeAgo } from '../format';

export function CircuitBreakers({ breakers, nowMs }: { breakers: Record<string, CircuitBreaker>; nowMs: number }) {
  const entries = Object.entries(breakers);
  return (
    <section className="panel" aria-labelledby="breakers-heading">
      <header className="panel-header">
        <h2 id="breakers-heading">Circuit breakers</h2>
      </header>
      {entries.length === 0 ? (
        <p className="muted">No circuit breaker data.</p>
      ) : (
        <ul className="breakers">
          {entries.map(([provider, b]) => (
            <li key={provider} data-provider={provider}>
              <span className="name truncate" title={provider}>
                {provider}
              </span>
              <span className={`badge badge-${b.state}`}>{b.state}</span>
              <span className="muted" title={b.last_opened_at ? formatDateTime(b.last_opened_at) : undefined}>
                {b.last_opened_at ? `last opened ${formatTimeAgo(b.last_opened_at, nowMs)}` : 'never opened'}
                {b.updated_at && ` · updated ${formatTimeAgo(b.updated_at, nowMs)}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
