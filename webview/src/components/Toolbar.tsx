/** Range selector, cost mode, Export CSV, Refresh, Clear History and the Settings gear. */
import type { CostMode, Range } from '../protocol';
import { COST_MODES, RANGES } from '../protocol';

const RANGE_LABELS: Record<Range, string> = { today: 'Today', '7d': '7d', '30d': '30d', all: 'All' };
const COST_MODE_LABELS: Record<CostMode, string> = { auto: 'Auto', writer: 'Writer', list: 'List' };
const COST_MODE_TITLES: Record<CostMode, string> = {
  auto: 'Actual cost, else the writer’s estimate, else the list price',
  writer: 'Only the writer’s estimated_cost (as before prices were known)',
  list: 'Every call repriced at list price',
};

/**
 * This view's cost mode, chosen here, and a mark when it differs from the workspace's `cost_mode`
 * (monitoring.yaml), which alerts, budgets and OTel keep using.
 */
function CostModeToggle({ modes, onChange }: { modes: { view: CostMode; workspace: CostMode }; onChange: (mode: CostMode) => void }) {
  const differs = modes.view !== modes.workspace;
  return (
    <div className="cost-mode">
      <div className="segmented" role="group" aria-label="Cost mode">
        {COST_MODES.map((m) => (
          <button
            key={m}
            type="button"
            aria-pressed={m === modes.view}
            className={m === modes.view ? 'selected' : undefined}
            title={`${COST_MODE_TITLES[m]}${m === modes.workspace ? ' (the workspace’s mode)' : ''}`}
            onClick={() => onChange(m)}
          >
            {COST_MODE_LABELS[m]}
          </button>
        ))}
      </div>
      {differs && (
        <span className="badge badge-view-mode" data-testid="cost-mode-mark" title="Only this view: alerts, budgets and OTel use the workspace’s cost_mode (monitoring.yaml)">
          this view only · workspace: {COST_MODE_LABELS[modes.workspace].toLowerCase()}
        </span>
      )}
    </div>
  );
}

export function Toolbar({ range, onRange, costModes, onCostMode, onExport, onRefresh, onClearHistory, onSettings, disabled, refreshing }: {
  range: Range;
  onRange: (range: Range) => void;
  /** The view's and the workspace's cost mode (from the snapshot); null hides the toggle. */
  costModes?: { view: CostMode; workspace: CostMode } | null;
  onCostMode?: (mode: CostMode) => void;
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
      {costModes && onCostMode && <CostModeToggle modes={costModes} onChange={onCostMode} />}
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
