/** No calls and no telemetry files yet: offer demo data and say how to instrument. */
import type { HealthDir } from '../protocol';

export function EmptyState({ dirs, onGenerateDemo }: { dirs: HealthDir[]; onGenerateDemo: () => void }) {
  return (
    <section className="panel empty-state" aria-labelledby="empty-heading">
      <h2 id="empty-heading">No LLM calls recorded yet</h2>
      <p>
        Empathy Telemetry reads <code>llm_calls.jsonl</code> and <code>workflow_runs.jsonl</code> from <code>.empathy/</code> (or{' '}
        <code>.attune/</code>) in your workspace and updates this panel as new lines are appended.
      </p>
      <ol>
        <li>
          Record each call with the Python writer: <code>TelemetryStore(".empathy").log_call(record)</code> from{' '}
          <code>empathy_monitor.store</code>, after every LLM request (provider, model, tier, tokens, cost, latency).
        </li>
        <li>Or write one JSON object per line to <code>.empathy/llm_calls.jsonl</code> yourself.</li>
        <li>Or try the panel now with generated demo data.</li>
      </ol>
      <button type="button" onClick={onGenerateDemo}>
        Generate demo data
      </button>
      {dirs.length > 0 && (
        <ul className="muted dirs" aria-label="Telemetry folders">
          {dirs.map((d) => (
            <li key={d.path}>
              {d.path} — {d.exists ? 'exists, no records yet' : 'not found'}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
