/**
 * The extension's copy of what the panel shows: the current view (range, filters) and the last
 * snapshot from the sidecar, kept current with `didUpdate` patches so it can be replayed to a
 * webview that (re)loads. It never computes a number.
 */
import * as vscode from 'vscode';
import { log } from './common/log';
import type { Requester } from './sidecar/client';
import { Methods, type AlertsStatus, type BudgetsSection, type CostMode, type Filters, type Range, type Snapshot, type SnapshotParams, type SnapshotUpdate } from '@protocol';

export interface ViewState {
  range: Range;
  filters: Filters;
  /** This view's own cost mode (the panel's toggle); absent: the workspace's `cost_mode`. */
  costMode?: CostMode;
}

/** The sidecar's params for a view: the cost mode only when the view has its own. */
export function viewParams(view: ViewState): Pick<SnapshotParams, 'range' | 'filters' | 'cost_mode'> {
  return view.costMode ? { range: view.range, filters: view.filters, cost_mode: view.costMode } : { range: view.range, filters: view.filters };
}

export type SnapshotSource = Requester;

export class TelemetryModel implements vscode.Disposable {
  snapshot: Snapshot | undefined;
  view: ViewState;
  private seq = 0;
  private readonly snapshotEmitter = new vscode.EventEmitter<Snapshot>();
  private readonly updateEmitter = new vscode.EventEmitter<SnapshotUpdate>();
  private readonly errorEmitter = new vscode.EventEmitter<string>();
  private readonly budgetsEmitter = new vscode.EventEmitter<BudgetsSection>();
  readonly onSnapshot = this.snapshotEmitter.event;
  readonly onUpdate = this.updateEmitter.event;
  readonly onError = this.errorEmitter.event;
  /** A `didChangeBudgets` push was applied to the cached snapshot. */
  readonly onBudgets = this.budgetsEmitter.event;

  constructor(
    private readonly source: SnapshotSource,
    defaultRange: Range,
  ) {
    this.view = { range: defaultRange, filters: {} };
  }

  /** Asks the sidecar for a full snapshot of the current view; later answers win over earlier. */
  async refresh(): Promise<Snapshot | undefined> {
    const seq = ++this.seq;
    const params = viewParams(this.view);
    // Logged so the end-to-end test can tell a replay from a re-fetch.
    log.info(`snapshot requested (${params.range})`);
    try {
      const snap = await this.source.request(Methods.snapshot, params);
      if (seq !== this.seq) return this.snapshot;
      this.snapshot = snap;
      this.snapshotEmitter.fire(snap);
      return snap;
    } catch (err) {
      log.error('snapshot request failed', err);
      if (seq === this.seq) this.errorEmitter.fire(err instanceof Error ? err.message : String(err));
      return undefined;
    }
  }

  setView(view: ViewState): Promise<Snapshot | undefined> {
    this.view = { range: view.range, filters: { ...view.filters }, ...(view.costMode ? { costMode: view.costMode } : {}) };
    return this.refresh();
  }

  /** Applies a sidecar patch when it continues our version, else re-fetches the whole snapshot. */
  applyUpdate(update: SnapshotUpdate): void {
    const snap = this.snapshot;
    if (!snap || update.baseVersion !== snap.version) {
      log.debug(`update ${update.baseVersion}->${update.version} does not follow ${snap?.version}; refreshing`);
      void this.refresh();
      return;
    }
    this.snapshot = { ...snap, ...update.changed, version: update.version } as Snapshot;
    this.updateEmitter.fire(update);
  }

  /** Keeps the cached snapshot's alerts current (`didChangeAlerts`), so a replay shows them. */
  applyAlerts(alerts: AlertsStatus): void {
    if (this.snapshot) this.snapshot = { ...this.snapshot, alerts };
  }

  /** Keeps the cached snapshot's budgets current (`didChangeBudgets`), so a replay and the status bar show them. */
  applyBudgets(budgets: BudgetsSection): void {
    if (this.snapshot) this.snapshot = { ...this.snapshot, budgets };
    this.budgetsEmitter.fire(budgets);
  }

  dispose(): void {
    this.budgetsEmitter.dispose();
    this.snapshotEmitter.dispose();
    this.updateEmitter.dispose();
    this.errorEmitter.dispose();
  }
}

/** "$12 of $200 this month" as the sidecar wrote it, when a month budget exists. */
export function monthBudgetText(snap: Snapshot): string | undefined {
  return snap.budgets?.status_text ?? undefined;
}

/** Today's cost as the sidecar computed it (the local day of `window.now`, in this view). */
export function todaysCost(snap: Snapshot): number {
  return snap.today_cost;
}
