/**
 * Cost next to the code: a CodeLens above each workflow (and step) definition and a hover on any
 * string literal naming a known workflow, both from `empathy/codeLenses`. The sidecar finds the
 * definitions, computes every number and formats the text; this file only places it. Every
 * telemetry-derived string is made plain: `lensTitle` for a lens, and a hover is one plain-text
 * code block (`codeBlockText`), so nothing is parsed as markdown; the one command a lens runs is
 * fixed, and its argument is checked against the ids the sidecar named (`KnownWorkflows`).
 */
import * as vscode from 'vscode';
import { Methods, type CodeLensesResult, type LensStats } from '@protocol';
import { log } from '../common/log';
import { codeBlockText, lensTitle, logText } from '../common/plainText';
import type { LensRange } from '../common/settings';
import type { Requester } from '../sidecar/client';
import type { KnownWorkflows } from './known';

export const LENS_COMMAND = 'empathy.openPanelForWorkflow';
/** The languages the sidecar's source index understands. */
export const LENS_SELECTOR: vscode.DocumentSelector = [{ language: 'python', scheme: 'file' }];
/**
 * didUpdate bursts are coalesced: trailing delay, and at most this long behind the first. VS Code
 * itself waits >= 250 ms after onDidChangeCodeLenses before it asks again, so these stay short: an
 * append must reach a visible lens within 1 s (watcher 50 ms + this + VS Code's wait + the request).
 */
export const DEBOUNCE_MS = 120;
export const MAX_WAIT_MS = 300;

export type { LensRange } from '../common/settings';

export interface LensDeps {
  sidecar: Requester;
  /** Whether lenses show: the setting, and the sidecar started (the workspace has telemetry). */
  enabled(): boolean;
  range(): LensRange;
  known: KnownWorkflows;
  /** The documents in visible editors (refreshes are skipped when none is one we serve). */
  visibleDocuments(): readonly vscode.TextDocument[];
}

export class WorkflowLenses implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  /** The last answer per document URI (hovers read it; a lens refresh replaces it). */
  private readonly answers = new Map<string, CodeLensesResult>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private firstPending: number | undefined;

  constructor(private readonly deps: LensDeps) {}

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const res = await this.fetch(document);
    if (!res) return [];
    return res.lenses.map((l) => {
      const line = Math.max(0, l.line - 1);
      const where = new vscode.Range(new vscode.Position(line, 0), new vscode.Position(line, 0));
      return new vscode.CodeLens(where, {
        title: lensTitle(l.stats.text),
        tooltip: lensTitle(l.step ? `${l.workflow} / ${l.step}: open the telemetry panel` : `${l.workflow}: open the telemetry panel`),
        command: LENS_COMMAND,
        arguments: [{ workflow: l.workflow, step: l.step }],
      });
    });
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const res = this.answers.get(document.uri.toString()) ?? (await this.fetch(document));
    const m = res?.mentions.find((x) => x.line === position.line && x.start <= position.character && position.character < x.end);
    if (!res || !m) return undefined;
    const where = new vscode.Range(new vscode.Position(m.line, m.start), new vscode.Position(m.line, m.end));
    return new vscode.Hover([hoverText(m.workflow, m.stats)], where);
  }

  private async fetch(document: vscode.TextDocument): Promise<CodeLensesResult | undefined> {
    if (!this.deps.enabled() || document.uri.scheme !== 'file') return undefined;
    const uri = document.uri.toString();
    try {
      const res = await this.deps.sidecar.request(Methods.codeLenses, { uri, range: this.deps.range() });
      this.deps.known.add(res.lenses.map((l) => l.workflow));
      this.deps.known.addSteps(res.lenses);
      this.deps.known.add(res.mentions.map((m) => m.workflow));
      this.answers.set(uri, res);
      return res;
    } catch (err) {
      log.debug(`codeLenses for ${logText(uri)} failed: ${logText(String(err))}`);
      return undefined;
    }
  }

  /** Telemetry changed: re-ask, debounced, and only if a visible editor shows a Python file. */
  onTelemetryUpdate(): void {
    const now = Date.now();
    this.firstPending ??= now;
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(DEBOUNCE_MS, this.firstPending + MAX_WAIT_MS - now));
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Settings or the sidecar changed: forget what we had and re-ask now. */
  reset(): void {
    this.answers.clear();
    this.deps.known.clear();
    this.changed.fire();
  }

  private flush(): void {
    this.timer = undefined;
    this.firstPending = undefined;
    if (!this.deps.enabled()) return;
    if (!this.deps.visibleDocuments().some((d) => d.languageId === 'python' && d.uri.scheme === 'file')) return;
    this.changed.fire();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
  }
}

/**
 * The hover: one plain-text code block (no markdown is parsed in it, so no telemetry text can become
 * a link, an icon or HTML), header, the lens line and the detail lines from the sidecar.
 */
export function hoverText(workflow: string, stats: LensStats): { language: string; value: string } {
  const lines = [`Empathy Telemetry · ${workflow}`, stats.text, ...stats.detail];
  return { language: 'text', value: lines.map((l) => codeBlockText(l.replace(/\r?\n/g, ' '))).join('\n') };
}
