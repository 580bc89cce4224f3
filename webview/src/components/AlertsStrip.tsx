/**
 * Alert rules from the workspace's alerts.yaml: state, last value against threshold, last fired; "Test" per rule.
 * Off unless the sidecar says alerts.yaml exists (`enabled`): a budgets.yaml alone makes the sidecar evaluate and
 * push an alerts status (budget levels share the alerts store), but no alert rule is on.
 */
import type { AlertsStatus } from '../protocol';
import { formatDateTime, formatTimeAgo, plural } from '../format';

const VALUE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });
const value = (v: number | null) => (v === null ? 'no data' : VALUE.format(v));

export function AlertsStrip({ alerts, nowMs, onTest, onOpenConfig }: {
  alerts: AlertsStatus | null;
  nowMs: number;
  onTest: (rule: string) => void;
  onOpenConfig: () => void;
}) {
  if (!alerts || !alerts.enabled) {
    return (
      <section className="alerts-strip alerts-off" data-testid="alerts-strip" aria-label="Alerts">
        <span className="muted">Alerts are off (no alerts.yaml).</span>
        <button type="button" className="link-button" onClick={onOpenConfig}>
          Set up alerts
        </button>
      </section>
    );
  }
  const firing = alerts.rules.filter((r) => r.state === 'firing').length;
  return (
    <section className={`alerts-strip${firing ? ' alerts-firing' : ''}`} data-testid="alerts-strip" aria-labelledby="alerts-heading">
      <header className="alerts-header">
        <h2 id="alerts-heading">
          Alerts <span className="muted">· {plural(alerts.rules.length, 'rule')}{firing ? ` · ${firing} firing` : ''}</span>
        </h2>
        <button type="button" className="link-button" onClick={onOpenConfig} title={alerts.configPath}>
          Open alerts.yaml
        </button>
      </header>
      {alerts.rules.length === 0 ? (
        <p className="muted">No rules in alerts.yaml.</p>
      ) : (
        <ul className="alert-rules">
          {alerts.rules.map((r, i) => (
            <li key={r.name} data-rule={r.name} className={`alert-rule alert-${r.state}`}>
              <span className={`badge alert-badge badge-alert-${r.state}`}>{r.state}</span>
              <span className="name truncate" id={`alert-rule-${i}`} title={`${r.name} — ${r.metric} · ${r.severity}`}>{r.name}</span>
              <span className="muted truncate alert-value" title={`${r.metric} ${value(r.lastValue)} / ${value(r.threshold)}`}>
                {r.metric} {value(r.lastValue)} / {value(r.threshold)}
              </span>
              <span className="muted truncate alert-fired" title={r.lastFiredAt ? formatDateTime(r.lastFiredAt) : undefined}>
                {r.lastFiredAt ? `fired ${formatTimeAgo(r.lastFiredAt, nowMs)}` : 'never fired'}
              </span>
              <button
                type="button"
                className="secondary small alert-test"
                onClick={() => onTest(r.name)}
                aria-describedby={`alert-rule-${i}`}
                title={`Evaluate "${r.name}" now; sends nothing`}
              >
                Test
              </button>
            </li>
          ))}
        </ul>
      )}
      {alerts.errors.length > 0 && (
        <ul className="alert-errors" aria-label="alerts.yaml problems">
          {alerts.errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      {alerts.failingChannels.length > 0 && (
        <p className="alert-errors">Failing channels: {alerts.failingChannels.join(', ')}</p>
      )}
    </section>
  );
}
