/** Wiring only: logger, sidecar, model, status bar, panel, commands. `activate` never throws. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openAlertsConfig, registerAlertCommands, showFiredAlert, testAlert, type AlertsDeps } from './alerts/alerts';
import { setBudget, type BudgetDeps } from './budgets';
import { exportCsv, generateDemo, guarded, registerCommands, type CommandDeps } from './commands';
import { createLog, log } from './common/log';
import { notify } from './common/plainText';
import { resolvePython } from './common/pythonSetup';
import { SetupController } from './setup/controller';
import { initialRange, initializationOptions, readSettings, RESTART_KEYS } from './common/settings';
import { History } from './history';
import { registerLenses } from './lens';
import { addPrice } from './prices';
import { TelemetryModel } from './model';
import { registerPanelSerializer, TelemetryPanel, type PanelDeps } from './panel/panel';
import { SourceOffers } from './panel/sourceOffers';
import { Sidecar } from './sidecar/client';
import { createStatusBar } from './statusBar';
import { registerTrust } from './trust';

let sidecar: Sidecar | undefined;

const WORKSPACE_CONTAINS = 'workspaceContains:';

/**
 * Whether to start the sidecar at activation rather than on first use: when telemetry dirs are
 * configured, or when a folder holds what the manifest's `workspaceContains:` activation events
 * name (the event VS Code activated us for; the extension cannot ask which one it was). Which
 * folder actually holds the telemetry is decided by the sidecar (its `telemetryDirs` default).
 */
function workspaceHasTelemetry(manifest: { activationEvents?: unknown }): boolean {
  if (readSettings().telemetryDirs.length) return true;
  const events = Array.isArray(manifest.activationEvents) ? manifest.activationEvents : [];
  const names = events.flatMap((e) =>
    typeof e === 'string' && e.startsWith(WORKSPACE_CONTAINS) ? [e.slice(WORKSPACE_CONTAINS.length)] : [],
  );
  return (vscode.workspace.workspaceFolders ?? []).some((f) =>
    names.some((name) => fs.existsSync(path.join(f.uri.fsPath, name))),
  );
}

export function activate(context: vscode.ExtensionContext): void {
  try {
    const channel = createLog();
    context.subscriptions.push(channel);
    const setupDeps = {
      context,
      pythonPath: () => readSettings().pythonPath,
      onEnvironmentReady: () => void sc.restart('private environment ready', 0),
    };
    const setup = new SetupController(setupDeps);
    const sc = new Sidecar({
      channel,
      resolvePython: () => resolvePython(setupDeps, setup),
      // Alert actions from the workspace's alerts.yaml run only in a trusted workspace.
      initializationOptions: () => {
        const options = initializationOptions(readSettings(), vscode.workspace.isTrusted);
        log.info(`alert actions ${options.alertActions ? 'on' : 'off (untrusted workspace)'}`);
        return options;
      },
      cwd: () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    });
    sidecar = sc;
    const model = new TelemetryModel(sc, initialRange(readSettings()));
    let started = false;
    const ensureStarted = (): void => {
      if (started) return;
      started = true;
      void sc.restart('activation', 0);
    };
    const commandDeps: CommandDeps = {
      model,
      sidecar: sc,
      ensureStarted,
      openPanel: () => TelemetryPanel.show(panelDeps),
    };
    const alertsDeps: AlertsDeps = { sidecar: sc, ensureStarted };
    const budgetDeps: BudgetDeps = { sidecar: sc, ensureStarted, budgets: () => model.snapshot?.budgets };
    const history = new History({
      sidecar: sc,
      ensureStarted,
      onChanged: (event) => {
        TelemetryPanel.current?.post(event);
        void model.refresh();
      },
    });
    const panelDeps: PanelDeps = {
      extensionUri: context.extensionUri,
      model,
      sidecar: sc,
      ensureStarted,
      setup,
      offers: new SourceOffers(context.workspaceState, sc),
      exportCsv: () => exportCsv(commandDeps),
      generateDemo: () => generateDemo(commandDeps),
      clearHistory: () => history.clear(),
      undoClearHistory: (dir) => history.undo(dir),
      testAlert: (rule) => testAlert(alertsDeps, rule),
      openAlertsConfig: () => openAlertsConfig(alertsDeps),
      addPrice: (modelId, provider) => addPrice({ sidecar: sc, ensureStarted }, modelId, provider),
      setBudget: () => setBudget(budgetDeps),
    };
    context.subscriptions.push(
      model,
      sc.onUpdate((u) => model.applyUpdate(u)),
      sc.onAlertsChanged((a) => model.applyAlerts(a)),
      sc.onBudgetsChanged((b) => model.applyBudgets(b)),
      sc.onAlertFired((a) => {
        log.info(`alert ${a.resolved ? 'resolved' : 'fired'}: ${a.rule}`);
        void showFiredAlert(a).catch((err: unknown) => log.error('alert notification', err));
      }),
      sc.onStatus((s) => {
        if (s.state === 'ready') {
          void model.refresh();
          void setup.checkServer(sc.serverInfo);
        }
      }),
      setup,
      createStatusBar(model, sc, setup),
      registerPanelSerializer(panelDeps),
      registerCommands(commandDeps),
      registerAlertCommands(alertsDeps, guarded),
      vscode.commands.registerCommand('empathy.setBudget', guarded('set budget', () => setBudget(budgetDeps))),
      registerTrust(sc, () => started),
      registerLenses({
        sidecar: sc,
        showPanel: async (view) => {
          const shown = model.setView(view);
          TelemetryPanel.current?.post({ type: 'uiState', ...view });
          TelemetryPanel.show(panelDeps);
          await shown;
        },
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (started && RESTART_KEYS.some((k) => e.affectsConfiguration(k))) void sc.restart('settings changed');
      }),
    );
    if (workspaceHasTelemetry(context.extension.packageJSON as { activationEvents?: unknown })) ensureStarted();
    // scripts/demo starts code-server with this so every new browser window shows the panel.
    if (process.env.EMPATHY_OPEN_PANEL_ON_START === '1') {
      setTimeout(() => TelemetryPanel.current ?? TelemetryPanel.show(panelDeps), 1500);
    }
    log.info(`activated (${context.extension.packageJSON.version as string})`);
  } catch (err) {
    log.error('activation failed', err);
    void notify.error(`Empathy Telemetry could not start: ${String(err)}`, 'Show Logs')
      .then((c) => c === 'Show Logs' && log.show());
  }
}

export async function deactivate(): Promise<void> {
  await sidecar?.dispose();
  sidecar = undefined;
}
