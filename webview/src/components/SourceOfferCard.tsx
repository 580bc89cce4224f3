/**
 * The one-time offer to show a coding agent's usage for this folder. The sidecar found the
 * agent's folder (a stat: nothing of it is read until the user says Show); the extension writes
 * the setting and remembers a Dismiss.
 */
import type { SourceOffer } from '../protocol';

export function SourceOfferCard({
  offer,
  onShow,
  onDismiss,
}: {
  offer: SourceOffer;
  onShow: (source: string) => void;
  onDismiss: (source: string) => void;
}) {
  return (
    <section className="panel source-offer" aria-labelledby="source-offer-heading" data-testid="source-offer" data-source={offer.source}>
      <p id="source-offer-heading">
        <strong>{offer.label}</strong> usage for this folder found — show it?
      </p>
      <p className="muted source-offer-path" title={offer.path}>
        {offer.path} · read only once you choose Show: usage metadata (model, tokens, times, cost), never prompts or answers.
      </p>
      <div className="setup-actions">
        <button type="button" onClick={() => onShow(offer.source)}>
          Show
        </button>
        <button type="button" className="secondary" onClick={() => onDismiss(offer.source)}>
          Dismiss
        </button>
      </div>
    </section>
  );
}
