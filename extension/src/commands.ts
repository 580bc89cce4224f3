/** The palette commands and the actions they share with the panel. */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { log } from './common/log';
import { notify } from './common/plainText';
import { viewParams, type TelemetryModel } from './model';
import { Methods, type ExportCsvResult } from '@protocol';
import type { Sidecar } from './sidecar/client';

export interface CommandDeps {
  model: TelemetryModel;
  sidecar: Sidecar;
  openPanel(): void;
  ensureStarted(): void;
}

function stamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Asks where to save, then lets the sidecar write the CSV of the current view. */
export async function exportCsv(deps: CommandDeps): Promise<ExportCsvResult | undefined> {
  deps.ensureStarted();
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `empathy-telemetry-${stamp()}.csv`;
  const target = await vscode.window.showSaveDialog({
    title: 'Export Telemetry CSV',
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: { CSV: ['csv'] },
    saveLabel: 'Export',
  });
  if (!target) return undefined;
  // The view's cost mode too: the CSV's cost column matches what the panel shows.
  // The save dialog already asked "Replace?" for an existing file; the sidecar refuses to
  // replace one unless told so (and never replaces telemetry files, confirmed or not).
  const res = await deps.sidecar.request(Methods.exportCsv, {
    ...viewParams(deps.model.view),
    path: target.fsPath,
    ...(existsSync(target.fsPath) ? { overwrite: true } : {}),
  });
  log.info(`exported ${res.rows} rows to ${res.path}`);
  void notify
    .info(`Exported ${res.rows} ${res.rows === 1 ? 'call' : 'calls'} to ${path.basename(res.path)}.`, 'Open')
    .then((c) => c === 'Open' && vscode.commands.executeCommand('vscode.open', vscode.Uri.file(res.path)));
  return res;
}

export async function generateDemo(deps: CommandDeps): Promise<void> {
  deps.ensureStarted();
  const res = await deps.sidecar.request(Methods.generateDemo, {});
  void notify.info(
    `Empathy Telemetry: wrote ${res.calls} demo calls and ${res.runs} workflow runs to ${res.dir}.`,
  );
  await deps.model.refresh();
}

/** Runs a command body, turning a failure into a logged error and an error message. */
export function guarded(name: string, fn: (...args: unknown[]) => unknown): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    try {
      await fn(...args);
    } catch (err) {
      log.error(`${name} failed`, err);
      void notify.error(`Empathy Telemetry: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}

export function registerCommands(deps: CommandDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('empathy.openPanel', guarded('open panel', () => deps.openPanel())),
    vscode.commands.registerCommand('empathy.exportCsv', guarded('export', () => exportCsv(deps))),
    vscode.commands.registerCommand(
      'empathy.restartSidecar',
      guarded('restart', () => {
        // Counts as starting it: settings and trust changes restart it from now on.
        deps.ensureStarted();
        return deps.sidecar.restart('command', 0);
      }),
    ),
    vscode.commands.registerCommand('empathy.showLogs', () => log.show()),
    vscode.commands.registerCommand('empathy.generateDemo', guarded('demo', () => generateDemo(deps))),
  );
}
