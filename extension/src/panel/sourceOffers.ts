/**
 * The panel's "<agent> usage for this folder found — show it?" offer. The sidecar finds the
 * agents' folders (a stat, nothing read) and says what `empathy.sources` becomes; the extension owns
 * the settings and the memory of what the user dismissed (this workspace's `workspaceState`), so
 * each offer is made once.
 */
import * as vscode from 'vscode';
import { Methods, type EnableSourceResult } from '@protocol';
import type { Sidecar } from '../sidecar/client';

export const DISMISSED_KEY = 'empathy.dismissedSourceOffers';

export class SourceOffers {
  constructor(
    private readonly memento: Pick<vscode.Memento, 'get' | 'update'>,
    private readonly sidecar: Pick<Sidecar, 'request'>,
  ) {}

  /** Sources whose offer the user answered in this workspace (Dismiss, or Show). */
  dismissed(): string[] {
    const v = this.memento.get<unknown>(DISMISSED_KEY, []);
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
  }

  async dismiss(source: string): Promise<string[]> {
    const next = [...new Set([...this.dismissed(), source])];
    await this.memento.update(DISMISSED_KEY, next);
    return next;
  }

  /**
   * "Show": the sidecar names the new `empathy.sources`; writing it (to the workspace, or the user
   * settings without a folder) restarts the sidecar with the source read. Not offered again.
   */
  async enable(source: string): Promise<EnableSourceResult> {
    const res = await this.sidecar.request(Methods.enableSource, { source });
    const target = vscode.workspace.workspaceFolders?.length
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('empathy').update('sources', res.sources, target);
    await this.dismiss(source);
    return res;
  }
}
