/**
 * Workspace trust: an untrusted workspace gets `alertActions: false` (alerts are evaluated and
 * shown, but nothing from its alerts.yaml is sent). Granting trust restarts the sidecar so the
 * new `initializationOptions` take effect.
 */
import * as vscode from 'vscode';
import { log } from './common/log';

export function registerTrust(sidecar: { restart(reason: string, delayMs?: number): Promise<void> }, started: () => boolean): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(() => {
    log.info('workspace trusted: alert actions enabled');
    if (started()) void sidecar.restart('workspace trusted', 0);
  });
}
