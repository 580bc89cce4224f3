/**
 * Clear History and its Undo (PANEL_CONTRACT.md, round 2). The sidecar moves the files; this
 * module asks first, says exactly what will happen, and offers the Undo.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { log } from './common/log';
import { notify, showMessage } from './common/plainText';
import type { Requester } from './sidecar/client';
import { Methods, type ClearHistoryResult, type UndoClearHistoryResult } from '@protocol';

export const CLEAR_TITLE = 'Clear telemetry history?';
export const CLEAR_BUTTON = 'Clear History';
export const UNDO_BUTTON = 'Undo';
export const CLEAR_DETAIL =
  'The current telemetry files (llm_calls*.jsonl and workflow_runs*.jsonl) are moved, never deleted, ' +
  'into .empathy/archive/cleared-<UTC timestamp>/. Writers keep appending to fresh files, and the panel ' +
  'starts empty. Undo restores them (moves them back, merging anything written since).';

/** What happened, as the panel is told it (PANEL_CONTRACT.md). */
export type HistoryEvent =
  | { type: 'historyCleared'; archiveDir: string; moved: string[] }
  | { type: 'historyRestored'; archiveDir: string; restored: string[] };

export interface HistoryDeps {
  sidecar: Requester;
  ensureStarted(): void;
  /** Called after the files moved (or came back): the panel shows the new state. */
  onChanged(event: HistoryEvent): void;
}

export class History {
  /** Archive folders this session created: the only ones an Undo may restore. */
  private readonly archives = new Set<string>();

  constructor(private readonly deps: HistoryDeps) {}

  isKnownArchive(dir: string): boolean {
    return this.archives.has(dir);
  }

  /** Asks (modal), clears, then offers Undo in a notification. Undefined when the user said no. */
  async clear(): Promise<ClearHistoryResult | undefined> {
    const choice = await showMessage('warning', CLEAR_TITLE, { modal: true, detail: CLEAR_DETAIL }, CLEAR_BUTTON);
    if (choice !== CLEAR_BUTTON) return undefined;
    this.deps.ensureStarted();
    const res = await this.deps.sidecar.request(Methods.clearHistory, {});
    this.archives.add(res.archiveDir);
    log.info(`history cleared: ${res.moved.length} files moved to ${res.archiveDir}`);
    this.deps.onChanged({ type: 'historyCleared', archiveDir: res.archiveDir, moved: res.moved });
    void notify
      .info(
        `Empathy Telemetry: moved ${res.moved.length} telemetry file${res.moved.length === 1 ? '' : 's'} to ${displayPath(res.archiveDir)}. The panel starts empty.`,
        UNDO_BUTTON,
      )
      .then((c) => (c === UNDO_BUTTON ? this.undo(res.archiveDir) : undefined))
      .then(undefined, (err: unknown) => reportUndoFailure(err));
    return res;
  }

  /** Moves the files of `archiveDir` back; refuses folders this session did not create. */
  async undo(archiveDir: string): Promise<UndoClearHistoryResult | undefined> {
    if (!this.archives.has(archiveDir)) {
      log.warn(`refused to restore ${archiveDir}: not an archive this session created`);
      void notify.warn(`Empathy Telemetry: ${archiveDir} is not a history this session cleared.`);
      return undefined;
    }
    const res = await this.deps.sidecar.request(Methods.undoClearHistory, { archiveDir });
    this.archives.delete(archiveDir);
    log.info(`history restored: ${res.restored.length} files from ${archiveDir}`);
    this.deps.onChanged({ type: 'historyRestored', archiveDir, restored: res.restored });
    void notify.info(
      `Empathy Telemetry: restored ${res.restored.length} telemetry file${res.restored.length === 1 ? '' : 's'}.`,
    );
    return res;
  }
}

function reportUndoFailure(err: unknown): void {
  log.error('undo clear history failed', err);
  void notify.error(`Empathy Telemetry: Undo failed: ${err instanceof Error ? err.message : String(err)}`);
}

/** The archive folder relative to the workspace when inside it (shorter in a notification). */
export function displayPath(dir: string): string {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!root) return dir;
  const rel = path.relative(root, dir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : dir;
}
