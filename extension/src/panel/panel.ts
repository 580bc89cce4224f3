/**
 * The "Empathy Telemetry" webview panel: sets its HTML once, relays the model's snapshots and
 * patches, and acts on validated webview messages. Survives reloads through a serializer.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { notify } from '../common/plainText';
import { log } from '../common/log';
import type { TelemetryModel, ViewState } from '../model';
import {
  isCostMode,
  isRange,
  Methods,
  type ConnectionState,
  type ExtensionMessage,
  type WebviewMessage,
  type ExportCsvResult,
  type TestAlertResult,
  type UndoClearHistoryResult,
} from '@protocol';
import type { SetupController } from '../setup/controller';
import type { Sidecar, SidecarStatus } from '../sidecar/client';
import { renderHtml } from './html';
import { parseFilters, parseWebviewMessage } from './messages';
import { openFileAt, openSource, type OpenResult } from './openSource';
import type { SourceOffers } from './sourceOffers';

export const VIEW_TYPE = 'empathy.telemetryPanel';
export const TITLE = 'Empathy Telemetry';
/** `<publisher>.<name>` from package.json: the settings UI filter `@ext:` uses it. */
export const EXTENSION_ID = 'empathy.empathy-telemetry';

export interface PanelDeps {
  extensionUri: vscode.Uri;
  model: TelemetryModel;
  sidecar: Sidecar;
  exportCsv(): Promise<ExportCsvResult | undefined>;
  generateDemo(): Promise<void>;
  /** Asks for confirmation, then moves the telemetry files into an archive (undefined: cancelled). */
  clearHistory(): Promise<unknown>;
  /** Restores a clear of this session (refuses any other folder). */
  undoClearHistory(archiveDir: string): Promise<UndoClearHistoryResult | undefined>;
  testAlert(rule: string): Promise<TestAlertResult | undefined>;
  openAlertsConfig(): Promise<void>;
  /** Has the sidecar write a price stub for `model` into prices.yaml, then opens it there (workspace files only). */
  addPrice(model: string, provider?: string): Promise<OpenResult>;
  /** "Set budget…": the "Empathy: Set Budget…" command (asks, then `empathy/setBudget`). */
  setBudget(): Promise<unknown>;
  /** Starts the sidecar if it is not running yet (the panel is what makes it run). */
  ensureStarted(): void;
  /** The set-up state the panel shows and acts on (absent in tests that do not need it). */
  setup?: Pick<SetupController, 'state' | 'onState' | 'act'>;
  /** The "show this agent's usage?" offers (absent in tests that do not need them). */
  offers?: Pick<SourceOffers, 'dismissed' | 'dismiss' | 'enable'>;
}

export function panelStatus(s: SidecarStatus): { state: ConnectionState; message?: string } {
  const state: ConnectionState = s.state === 'stopped' ? 'starting' : s.state;
  return s.message ? { state, message: s.message } : { state };
}

/** UI state the webview saved with `setState`, if it has the expected shape. */
export function restoredView(state: unknown): ViewState | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const s = state as Record<string, unknown>;
  const filters = parseFilters(s.filters);
  if (!isRange(s.range) || !filters) return undefined;
  return isCostMode(s.costMode) ? { range: s.range, filters, costMode: s.costMode } : { range: s.range, filters };
}

export class TelemetryPanel implements vscode.Disposable {
  static current: TelemetryPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  static show(deps: PanelDeps): TelemetryPanel {
    deps.ensureStarted();
    if (TelemetryPanel.current) {
      TelemetryPanel.current.panel.reveal();
      return TelemetryPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, TITLE, vscode.ViewColumn.Active, {});
    return new TelemetryPanel(panel, deps);
  }

  static revive(panel: vscode.WebviewPanel, state: unknown, deps: PanelDeps): TelemetryPanel {
    deps.ensureStarted();
    TelemetryPanel.current?.dispose();
    const view = restoredView(state);
    if (view) void deps.model.setView(view);
    return new TelemetryPanel(panel, deps);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: PanelDeps,
  ) {
    TelemetryPanel.current = this;
    const root = vscode.Uri.joinPath(deps.extensionUri, 'media', 'webview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [root] };
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.svg');
    const script = vscode.Uri.joinPath(root, 'assets', 'index.js');
    // Set once: the webview reloads this same HTML itself when it becomes visible again.
    panel.webview.html = renderHtml(panel.webview, {
      script,
      style: vscode.Uri.joinPath(root, 'assets', 'index.css'),
      present: fs.existsSync(script.fsPath),
    });
    const { model, sidecar } = deps;
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      model.onSnapshot((snapshot) => this.post({ type: 'snapshot', snapshot })),
      model.onUpdate((update) => this.post({ type: 'update', update })),
      model.onError((message) => this.post({ type: 'notice', level: 'error', message })),
      sidecar.onStatus((s) => this.post({ type: 'status', ...panelStatus(s) })),
      sidecar.onHealth((health) => this.post({ type: 'health', health })),
      sidecar.onAlertsChanged((alerts) => this.post({ type: 'alerts', alerts })),
      // Through the model, so its cached snapshot (replayed on reload) has them first.
      model.onBudgets((budgets) => this.post({ type: 'budgets', budgets })),
    );
    const setup = deps.setup;
    if (setup) this.disposables.push(setup.onState((s) => this.post({ type: 'setup', setup: s ?? null })));
  }

  post(msg: ExtensionMessage): void {
    void this.panel.webview.postMessage(msg).then(undefined, () => undefined);
  }

  private async receive(raw: unknown): Promise<void> {
    const msg = parseWebviewMessage(raw);
    if (!msg) {
      log.warn(`ignored an invalid message from the webview: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    try {
      await this.handle(msg);
    } catch (err) {
      log.error(`panel: ${msg.type} failed`, err);
      this.post({ type: 'notice', level: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }

  private async handle(msg: WebviewMessage): Promise<void> {
    const { model, sidecar } = this.deps;
    switch (msg.type) {
      case 'ready':
        this.post({ type: 'status', ...panelStatus(sidecar.status) });
        if (this.deps.setup) this.post({ type: 'setup', setup: this.deps.setup.state ?? null });
        if (this.deps.offers) this.post({ type: 'offers', dismissed: this.deps.offers.dismissed() });
        this.post({
          type: 'uiState',
          range: model.view.range,
          filters: model.view.filters,
          ...(model.view.costMode ? { costMode: model.view.costMode } : {}),
        });
        if (model.snapshot) this.post({ type: 'snapshot', snapshot: model.snapshot });
        else if (sidecar.status.state === 'ready') await model.refresh();
        return;
      case 'setView':
        await model.setView({ range: msg.range, filters: msg.filters, ...(msg.costMode ? { costMode: msg.costMode } : {}) });
        return;
      case 'addPrice':
        this.notice(await this.deps.addPrice(msg.model, msg.provider));
        return;
      case 'refresh':
        await model.refresh();
        return;
      case 'loadMore': {
        const page = await sidecar.request(Methods.activity, {
          offset: msg.offset,
          limit: msg.limit,
          filters: msg.filters,
          ...(model.view.costMode ? { cost_mode: model.view.costMode } : {}), // the view's own mode
        });
        this.post({ type: 'activityPage', rows: page.rows, total: page.total, offset: page.offset });
        return;
      }
      case 'dimensionValues': {
        const { dimension, prefix, limit } = msg;
        const res = await sidecar.request(Methods.dimensionValues, { dimension, prefix, limit });
        this.post({ type: 'dimensionValues', prefix, ...res });
        return;
      }
      case 'openSource': {
        const { workflowName, stepName, callId } = msg;
        this.notice(await openSource(sidecar, { workflowName, stepName, callId }));
        return;
      }
      case 'openFile':
        this.notice(await openFileAt(msg.path, msg.line));
        return;
      case 'exportCsv': {
        const res = await this.deps.exportCsv();
        if (res) this.post({ type: 'exported', path: res.path, rows: res.rows });
        return;
      }
      case 'generateDemo':
        await this.deps.generateDemo();
        return;
      case 'clearHistory':
        // The modal, the move and the Undo notification live in History; it tells the panel.
        await this.deps.clearHistory();
        return;
      case 'undoClearHistory':
        await this.deps.undoClearHistory(msg.archiveDir);
        return;
      case 'clearFeed':
        // View-only: the webview keeps its "cleared at" marker; nothing goes to the sidecar.
        return;
      case 'refreshAll': {
        const res = await sidecar.request(Methods.refresh, {});
        this.post({ type: 'refreshed', durationMs: res.durationMs, records: res.records });
        await model.refresh();
        return;
      }
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${EXTENSION_ID}`);
        return;
      case 'openAlertsConfig':
        await this.deps.openAlertsConfig();
        return;
      case 'setBudget':
        await this.deps.setBudget();
        return;
      case 'setupAction':
        await this.deps.setup?.act(msg.action);
        return;
      case 'enableSource': {
        const offers = this.deps.offers;
        if (!offers) return;
        const res = await offers.enable(msg.source);
        this.post({ type: 'offers', dismissed: offers.dismissed() });
        this.post({ type: 'notice', level: 'info', message: `Showing ${res.label} usage for this folder (empathy.sources: ${res.sources.join(', ')}).` });
        return;
      }
      case 'dismissOffer':
        if (this.deps.offers) this.post({ type: 'offers', dismissed: await this.deps.offers.dismiss(msg.source) });
        return;
      case 'testAlert': {
        const res = await this.deps.testAlert(msg.rule);
        if (res) {
          this.post({ type: 'notice', level: 'info', message: `Test of "${res.rule}": ${res.breached ? 'would fire' : 'would not fire'}. ${res.message} Nothing was sent.` });
        }
        return;
      }
    }
  }

  private notice(res: OpenResult): void {
    if (res.opened || !res.message) return;
    void notify.info(res.message);
    this.post({ type: 'notice', level: 'info', message: res.message });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (TelemetryPanel.current === this) TelemetryPanel.current = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

export function registerPanelSerializer(deps: PanelDeps): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
    deserializeWebviewPanel: async (panel, state) => {
      TelemetryPanel.revive(panel, state, deps);
    },
  });
}
