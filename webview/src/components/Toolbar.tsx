/** Range selector, Export CSV, Refresh, Clear History and the Settings gear. */
import type { Range } from '../protocol';
import { RANGES } from '../protocol';

const RANGE_LABELS: Record<Range, string> = { today: 'Today', '7d': '7d', '30d': '30d', all: 'All' };

export function Toolbar({ range, onRange, onExport, onRefresh, onClearHistory, onSettings, disabled, refreshing }: {
  range: Range;
  onRange: (range: Range) => void;
  onExport: () => void;
  onRefresh: () => void;
  onClearHistory: () => void;
  onSettings: () => void;
  /** No data: exporting or clearing would do nothing. */
  disabled?: boolean;
  refreshing?: boolean;
}) {
  return (
    <div className="toolbar">
      <div className="segmented" role="group" aria-label="Time range">
        {RANGES.map((r) => (
          <button key={r} type="button" aria-pressed={r === range} className={r === range ? 'selected' : undefined} onClick={() => onRange(r)}>
            {RANGE_LABELS[r]}
          </button>
        ))}
      </div>
      <div className="toolbar-actions">
        <button type="button" className="secondary" onClick={onRefresh} disabled={refreshing} title="Re-read every telemetry file (after editing them by hand)">
          Refresh
        </button>
        <button type="button" className="secondary" onClick={onExport} disabled={disabled}>
          Export CSV
        </button>
        <button type="button" className="secondary" onClick={onClearHistory} disabled={disabled} title="Move the telemetry files into an archive (asks first; can be undone)">
          Clear History
        </button>
        <button type="button" className="icon-button" onClick={onSettings} aria-label="Settings" title="Empathy Telemetry settings">
          <span aria-hidden="true">⚙</span>
        </button>
      </div>
    </div>
  );
}
