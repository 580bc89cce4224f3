/**
 * "Empathy: Set Budget…" (also the panel's "Set budget…"): name, amount, period -> `empathy/setBudget`.
 * The sidecar validates and writes budgets.yaml (with a VS Code channel) and then pushes
 * `empathy/didChangeBudgets`; every number the strip and the status bar show comes from it.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { log } from './common/log';
import { noIcons, notify, promptText } from './common/plainText';
import type { Requester } from './sidecar/client';
import { Methods, type BudgetsSection, type SetBudgetParams, type SetBudgetResult } from '@protocol';

export interface BudgetDeps {
  sidecar: Requester;
  ensureStarted(): void;
  /** The budgets the panel shows now (for the names already taken), if known. */
  budgets(): BudgetsSection | null | undefined;
}

type Period = NonNullable<SetBudgetParams['period']>;
export const PERIODS: readonly { period: Period; label: string; detail: string }[] = [
  { period: 'month', label: 'Month', detail: 'From the 1st of each month' },
  { period: 'week', label: 'Week', detail: 'From each Monday' },
  { period: 'day', label: 'Day', detail: 'From each midnight' },
];

/** The sidecar's limit on a budget name (`SetBudgetParams.name`). */
const MAX_NAME = 200;

/** The name typed in step 1, or an error message for the input box. */
export function validateBudgetName(text: string): string | undefined {
  const t = text.trim();
  if (!t) return 'Enter a name, e.g. monthly or code-review';
  if (t.length > MAX_NAME) return `At most ${MAX_NAME} characters`;
  return undefined;
}

/** The amount typed in step 2 ("200", "$1,250.50"): US dollars above 0, or an error message. */
export function parseAmount(text: string): number | string {
  const t = text.trim().replace(/^\$\s*/, '').replace(/,/g, '');
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(t)) return 'Enter an amount in US dollars, e.g. 200 or 49.50';
  const n = Number(t);
  return Number.isFinite(n) && n > 0 ? n : 'Enter an amount above 0';
}

/** Asks name, amount and period; the params for `empathy/setBudget`, or undefined when cancelled. */
export async function askBudget(existing: readonly string[] = []): Promise<SetBudgetParams | undefined> {
  const taken = existing.length ? ` Existing: ${existing.join(', ')} (a same name replaces it).` : '';
  const nameText = await vscode.window.showInputBox({
    title: 'Set Budget (1/3): name',
    prompt: promptText(`A name for this budget.${taken}`),
    value: existing.length ? '' : 'monthly',
    ignoreFocusOut: true,
    validateInput: validateBudgetName,
  });
  if (nameText === undefined || validateBudgetName(nameText)) return undefined;
  const name = nameText.trim();
  const amountText = await vscode.window.showInputBox({
    title: 'Set Budget (2/3): amount',
    prompt: promptText(`How many US dollars "${name}" may spend per period`),
    placeHolder: '200',
    ignoreFocusOut: true,
    validateInput: (t) => {
      const r = parseAmount(t);
      return typeof r === 'string' ? r : undefined;
    },
  });
  if (amountText === undefined) return undefined;
  const amount = parseAmount(amountText);
  if (typeof amount === 'string') return undefined;
  const pick = await vscode.window.showQuickPick(
    PERIODS.map((p) => ({ label: p.label, detail: p.detail, p })),
    { title: `Set Budget (3/3): period of "${noIcons(name)}"`, ignoreFocusOut: true },
  );
  if (!pick) return undefined;
  return { name, amount, period: pick.p.period };
}

/** The whole command: ask, then let the sidecar write budgets.yaml. */
export async function setBudget(deps: BudgetDeps): Promise<SetBudgetResult | undefined> {
  deps.ensureStarted();
  const names = deps.budgets()?.budgets.map((b) => b.name) ?? [];
  const params = await askBudget(names);
  if (!params) return undefined;
  const res = await deps.sidecar.request(Methods.setBudget, params);
  log.info(`budget set: ${res.name} in ${res.configPath}`);
  const OPEN = 'Open budgets.yaml';
  void notify
    .info(`Empathy Telemetry: budget "${res.name}" set in ${path.basename(res.configPath)}.`, OPEN)
    .then(async (c) => {
      if (c !== OPEN) return;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(res.configPath));
      await vscode.window.showTextDocument(doc, { preview: false });
    });
  return res;
}
