/**
 * "prices.yaml overrides N models": a workspace's own prices change what every cost shows (also in
 * an untrusted, cloned repo, where they change no file and send nothing), so a reader is told; and
 * the file's bad entries, as the sidecar words them ("prices.yaml:LINE: reason").
 */
import type { PricesInfo } from '../protocol';
import { plural } from '../format';

export function PricesNotice({ prices }: { prices: PricesInfo }) {
  if (prices.overrides === 0 && prices.errors.length === 0) return null;
  return (
    <div className="prices-notice" data-testid="prices-notice">
      {prices.overrides > 0 && (
        <p className="muted" title={prices.prices_file ? `Costs of these models come from ${prices.prices_file}` : undefined}>
          prices.yaml overrides {plural(prices.overrides, 'model')}
        </p>
      )}
      {prices.errors.length > 0 && (
        <ul className="prices-errors">
          {prices.errors.map((e, i) => (
            // Two bad entries may read alike: the position is the key.
            <li key={i}>{e}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
