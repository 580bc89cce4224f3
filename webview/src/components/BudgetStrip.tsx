/**
 * The budget strip under the cards: per budget its headline ("$12.40 of $200 this month"), a bar
 * with the level ticks and the projection marker with its 80% interval, the burn rate, the outlook
 * ("runs out Dec 19 at this rate" / "on track: ~$142 of $200") and "+ N unpriced calls not included".
 *
 * Every number, sentence and bar position comes from the sidecar (`BudgetStatus`, positions as
 * 0..1 fractions of the bar); this file only places them. The bar is SVG so positions are
 * attributes (the CSP allows no inline styles).
 */
import type { BudgetLevel, BudgetsSection, BudgetStatus } from '../protocol';
import { formatDateTime } from '../format';

/** A 0..1 fraction as an SVG length (the bar's width is 100%). */
const at = (fraction: number) => `${fraction * 100}%`;

function levelLabel(lv: BudgetLevel): string {
  return lv.fired ? `${lv.percent}% reached${lv.fired_at ? ` ${formatDateTime(lv.fired_at)}` : ''}` : `${lv.percent}% not reached`;
}

function BudgetBar({ budget }: { budget: BudgetStatus }) {
  const b = budget;
  return (
    <svg
      className="budget-bar"
      role="img"
      aria-label={`${b.headline}; ${b.interval_text}`}
      width="100%"
      height="18"
    >
      <rect className="budget-track" x="0" y="5" width="100%" height="8" />
      <rect className={`budget-spent budget-spent-${b.state}`} data-testid="budget-spent" x="0" y="5" width={at(b.spent_pos)} height="8" />
      {/* A line from low to high: the interval needs no width worked out here. */}
      <line className="budget-interval" data-testid="budget-interval" x1={at(b.low_pos)} x2={at(b.high_pos)} y1="9" y2="9">
        <title>{b.interval_text}</title>
      </line>
      <line className="budget-projection" data-testid="budget-projection" x1={at(b.projected_pos)} x2={at(b.projected_pos)} y1="1" y2="17">
        <title>{b.interval_text}</title>
      </line>
      {b.levels.map((lv) => (
        <line
          key={lv.percent}
          className={`budget-level${lv.fired ? ' budget-level-fired' : ''}`}
          data-level={lv.percent}
          data-fired={lv.fired ? 'true' : 'false'}
          x1={at(lv.position)}
          x2={at(lv.position)}
          y1="2"
          y2="16"
        >
          <title>{levelLabel(lv)}</title>
        </line>
      ))}
    </svg>
  );
}

function scopeText(scope: Record<string, string>): string {
  return Object.entries(scope)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}

function BudgetRow({ budget }: { budget: BudgetStatus }) {
  const b = budget;
  const scope = scopeText(b.scope);
  const reached = b.levels.filter((lv) => lv.fired).map((lv) => `${lv.percent}%`);
  return (
    <li className={`budget budget-${b.state}`} data-budget={b.name}>
      <div className="budget-head">
        <span className="name truncate" title={scope ? `${b.name} (${scope})` : b.name}>
          {b.name}
        </span>
        {scope && <span className="muted truncate">{scope}</span>}
        <span className="budget-headline">{b.headline}</span>
        {reached.length > 0 && <span className={`badge badge-budget-${b.state}`}>{reached.join(', ')} reached</span>}
      </div>
      <BudgetBar budget={b} />
      <div className="budget-foot">
        <span className="budget-outlook">{b.outlook}</span>
        <span className="muted budget-interval-text">{b.interval_text}</span>
        <span className="muted budget-burn">{b.burn_text}</span>
        {b.unpriced_text && <span className="muted budget-unpriced">{b.unpriced_text}</span>}
      </div>
    </li>
  );
}

export function BudgetStrip({ budgets, onSetBudget }: { budgets: BudgetsSection | null; onSetBudget: () => void }) {
  // null: evaluation failed in the sidecar (logged there); nothing to show, nothing to offer.
  if (!budgets) return null;
  const setButton = (
    <button type="button" className="link-button" onClick={onSetBudget}>
      Set budget…
    </button>
  );
  const errors = budgets.errors.length > 0 && (
    <ul className="budget-errors">
      {budgets.errors.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  );
  if (budgets.budgets.length === 0) {
    return (
      <section className="budget-strip budget-none" data-testid="budget-strip" aria-label="Budgets">
        <span className="muted">{budgets.exists ? 'No budgets in budgets.yaml.' : 'No budget set.'}</span>
        {setButton}
        {errors}
      </section>
    );
  }
  return (
    <section className="budget-strip" data-testid="budget-strip" aria-labelledby="budgets-heading">
      <header className="alerts-header">
        <h2 id="budgets-heading">Budgets</h2>
        {setButton}
      </header>
      <ul className="budgets">
        {budgets.budgets.map((b) => (
          <BudgetRow key={b.name} budget={b} />
        ))}
      </ul>
      {errors}
    </section>
  );
}
