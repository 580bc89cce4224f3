/**
 * Registers the cost lenses, their hover and their command (wiring only) — once the sidecar is
 * ready for the first time: a workspace without telemetry gets no lens and no lens command.
 */
import * as vscode from 'vscode';
import type { Filters, Range, SnapshotUpdate } from '@protocol';
import { readSettings } from '../common/settings';
import type { Requester, SidecarStatus } from '../sidecar/client';
import { registerLensCommand } from './command';
import { KnownWorkflows } from './known';
import { LENS_SELECTOR, WorkflowLenses } from './provider';

export interface LensWiring {
  sidecar: Requester & {
    onUpdate: vscode.Event<SnapshotUpdate>;
    onStatus: vscode.Event<SidecarStatus>;
  };
  showPanel(view: { range: Range; filters: Filters }): Promise<unknown>;
}

export function registerLenses(w: LensWiring): vscode.Disposable {
  const known = new KnownWorkflows();
  const range = (): ReturnType<typeof readSettings>['codeLens.range'] => readSettings()['codeLens.range'];
  const lenses = new WorkflowLenses({
    sidecar: w.sidecar,
    // Read-only, so untrusted workspaces show them too.
    enabled: () => readSettings()['codeLens.enabled'],
    range,
    known,
    visibleDocuments: () => vscode.window.visibleTextEditors.map((e) => e.document),
  });
  const registered: vscode.Disposable[] = [];
  const register = (): void => {
    if (registered.length) return;
    registered.push(
      vscode.languages.registerCodeLensProvider(LENS_SELECTOR, lenses),
      vscode.languages.registerHoverProvider(LENS_SELECTOR, lenses),
      registerLensCommand({ known, range, showPanel: w.showPanel }),
    );
  };
  return vscode.Disposable.from(
    lenses,
    w.sidecar.onUpdate(() => lenses.onTelemetryUpdate()),
    w.sidecar.onStatus((s) => {
      if (s.state !== 'ready') return;
      register();
      lenses.reset(); // a (re)started sidecar: ask again, forget ids it may no longer know
    }),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('empathy.codeLens') && lenses.reset()),
    { dispose: () => registered.forEach((d) => d.dispose()) },
  );
}
