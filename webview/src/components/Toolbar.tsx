/** Range selector and Export CSV. */
import type { Range } from '../protocol';
import { RANGES } from '../protocol';

const RANGE_LABELS: Record<Range, string> = { today: 'Today', '7d': '7d', '30d': '30d', all: 'All' };

export function Toolbar({ range, onRange, onExport, disabled }: {
  range: Range;
  onRange: (range: Range) => void;
  onExport: () => void;
  disabled?: boolean;
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
      <button type="button" className="secondary" onClick={onExport} disabled={disabled}>
        Export CSV
      </button>
    </div>
  );
}
