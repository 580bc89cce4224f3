/**
 * The extension's set-up state (no Python, package missing, installing, failed, cancelled, …):
 * its sentence, the fix and its buttons, exactly as the extension sent them.
 */
import type { SetupAction, SetupView } from '../protocol';

export function SetupCard({ setup, onAction }: { setup: SetupView; onAction: (action: SetupAction) => void }) {
  const busy = setup.kind === 'installing';
  const bad = setup.kind === 'failed' || setup.kind === 'noPython' || setup.kind === 'pythonTooOld' || setup.kind === 'sidecarTooOld';
  return (
    <section
      className={`panel setup-card${bad ? ' setup-bad' : ''}`}
      aria-labelledby="setup-heading"
      aria-busy={busy}
      data-testid="setup"
      data-kind={setup.kind}
    >
      <h2 id="setup-heading">{setup.title}</h2>
      <p data-testid="setup-message">{setup.message}</p>
      {setup.detail && <p className="muted" data-testid="setup-detail">{setup.detail}</p>}
      {setup.progress && (
        <p className="setup-progress" role="status" data-testid="setup-progress">
          {setup.progress}
        </p>
      )}
      <div className="setup-actions">
        {setup.actions.map((a, i) => (
          <button key={a.action} type="button" className={i === 0 ? undefined : 'secondary'} onClick={() => onAction(a.action)}>
            {a.label}
          </button>
        ))}
      </div>
    </section>
  );
}
