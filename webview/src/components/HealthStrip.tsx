/** Data health: how many lines were read and where the bad ones are; each problem opens the file at its line. */
import type { Health } from '../protocol';
import { basename, formatCount, plural } from '../format';

const MAX_PROBLEMS = 50;

export function HealthStrip({ health, onOpenFile }: { health: Health; onOpenFile: (path: string, line: number) => void }) {
  const problems = health.files.flatMap((f) => f.problems.map((p) => ({ file: f.path, ...p })));
  const readErrors = health.files.filter((f) => f.read_error !== null);
  const clean = problems.length === 0 && readErrors.length === 0;
  return (
    <section className={`health-strip ${clean ? 'health-ok' : 'health-warn'}`} data-testid="health-strip" aria-label="Data health">
      <span>
        {plural(health.records, 'record')} from {plural(health.files.length, 'file')}
        {health.malformed > 0 && ` · ${formatCount(health.malformed)} malformed`}
        {health.salvaged > 0 && ` · ${formatCount(health.salvaged)} salvaged`}
        {health.flagged > 0 && ` · ${formatCount(health.flagged)} flagged`}
        {clean && ' · all lines valid'}
      </span>
      {(health.scopes ?? []).map((sc) => (
        <span key={sc.path} className="health-scope" data-testid="health-scope" title={sc.path}>
          {`Runs of project “${sc.project}” (${sc.matched_by === 'setting' ? 'the empathy.project setting' : 'the workspace folder’s name; set empathy.project to change'}) from ${sc.path}`}
          {sc.hidden_runs > 0 && ` · ${plural(sc.hidden_runs, 'run')} of ${plural(sc.hidden_projects, 'other project')} not shown`}
        </span>
      ))}
      {readErrors.map((f) => (
        <span key={f.path} className="health-error" title={f.path}>
          {basename(f.path)}: {f.read_error}
        </span>
      ))}
      {problems.length > 0 && (
        <ul className="health-problems">
          {problems.slice(0, MAX_PROBLEMS).map((p) => (
            <li key={`${p.file}:${p.line}:${p.kind}`}>
              <button type="button" className="link-button" title={`Open ${p.file} at line ${p.line}`} onClick={() => onOpenFile(p.file, p.line)}>
                {basename(p.file)}:{p.line} {p.reason}
              </button>
            </li>
          ))}
          {problems.length > MAX_PROBLEMS && <li className="muted">and {formatCount(problems.length - MAX_PROBLEMS)} more</li>}
        </ul>
      )}
    </section>
  );
}
