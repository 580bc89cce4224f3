/** "Empathy: Set Budget…", the panel's "Set budget…", the budgets push and the status bar's month budget. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { askBudget, parseAmount, setBudget, validateBudgetName, type BudgetDeps } from '../../extension/src/budgets';
import { TelemetryModel } from '../../extension/src/model';
import { parseWebviewMessage } from '../../extension/src/panel/messages';
import { createStatusBar } from '../../extension/src/statusBar';
import type { BudgetsSection, Snapshot } from '@protocol';
import type { Sidecar, SidecarStatus } from '../../extension/src/sidecar/client';
import { EventEmitter, window } from './vscode.mock';

function section(over: Partial<BudgetsSection> = {}): BudgetsSection {
  return {
    exists: true,
    config_path: '/ws/.empathy/budgets.yaml',
    budgets: [],
    errors: [],
    status_text: '$12 of $200 this month',
    can_fire: true,
    anomalies: [],
    ...over,
  };
}

let request: ReturnType<typeof vi.fn>;
let deps: BudgetDeps;
beforeEach(() => {
  window.showInputBox.mockReset();
  window.showQuickPick.mockReset();
  window.showInformationMessage.mockClear();
  request = vi.fn().mockResolvedValue({ configPath: '/ws/.empathy/budgets.yaml', name: 'team' });
  deps = { sidecar: { request }, ensureStarted: vi.fn(), budgets: () => null };
});

type Pick = { p: { period: string } };
/** Answers the quick pick with the item for `period`. */
function pickPeriod(period: string) {
  window.showQuickPick.mockImplementationOnce((async (items: Pick[]) => items.find((i) => i.p.period === period)) as never);
}

describe('Set Budget inputs', () => {
  it('name, amount and period become the empathy/setBudget params', async () => {
    window.showInputBox.mockResolvedValueOnce('  team ').mockResolvedValueOnce('$1,250.50');
    pickPeriod('week');
    expect(await setBudget(deps)).toEqual({ configPath: '/ws/.empathy/budgets.yaml', name: 'team' });
    expect(deps.ensureStarted).toHaveBeenCalled();
    expect(request).toHaveBeenCalledWith('empathy/setBudget', { name: 'team', amount: 1250.5, period: 'week' });
    expect(window.showInformationMessage).toHaveBeenCalledWith('Empathy Telemetry: budget "team" set in budgets.yaml.', 'Open budgets.yaml');
    const [first, second] = window.showInputBox.mock.calls.map((c) => (c as unknown[])[0] as { title: string; value?: string; prompt: string });
    expect(first!.title).toBe('Set Budget (1/3): name');
    expect(first!.value).toBe('monthly');
    expect(second!.title).toBe('Set Budget (2/3): amount');
    const periods = (window.showQuickPick.mock.calls[0] as unknown[])[0] as Pick[];
    expect(periods.map((i) => i.p.period)).toEqual(['month', 'week', 'day']);
  });

  it('sends nothing when any step is cancelled', async () => {
    window.showInputBox.mockResolvedValueOnce(undefined);
    expect(await setBudget(deps)).toBeUndefined();
    window.showInputBox.mockResolvedValueOnce('team').mockResolvedValueOnce(undefined);
    expect(await askBudget()).toBeUndefined();
    window.showInputBox.mockResolvedValueOnce('team').mockResolvedValueOnce('200');
    window.showQuickPick.mockResolvedValueOnce(undefined);
    expect(await askBudget()).toBeUndefined();
    expect(request).not.toHaveBeenCalled();
  });

  it('names the budgets that exist (a same name replaces) with links and icons made plain', async () => {
    deps.budgets = () => section({ budgets: [{ name: '[x](command:evil) $(zap)' } as BudgetsSection['budgets'][number]] });
    window.showInputBox.mockResolvedValueOnce(undefined);
    await setBudget(deps);
    const opts = (window.showInputBox.mock.calls[0] as unknown[])[0] as { prompt: string; value: string };
    expect(opts.value).toBe('');
    expect(opts.prompt).toContain('Existing: [x]\u2060(command:evil) \\$(zap) (a same name replaces it).');
  });

  it('validates the name and the amount as typed', () => {
    expect(validateBudgetName('  ')).toBe('Enter a name, e.g. monthly or code-review');
    expect(validateBudgetName('x'.repeat(201))).toBe('At most 200 characters');
    expect(validateBudgetName('code-review')).toBeUndefined();
    expect(parseAmount('200')).toBe(200);
    expect(parseAmount(' $ 49.50 ')).toBe(49.5);
    expect(parseAmount('1,000')).toBe(1000);
    expect(parseAmount('.5')).toBe(0.5);
    expect(parseAmount('0')).toBe('Enter an amount above 0');
    expect(parseAmount('-5')).toBe('Enter an amount in US dollars, e.g. 200 or 49.50');
    expect(parseAmount('1e3')).toBe('Enter an amount in US dollars, e.g. 200 or 49.50');
    expect(parseAmount('abc')).toBe('Enter an amount in US dollars, e.g. 200 or 49.50');
  });
});

describe('panel message', () => {
  it('accepts setBudget without fields and drops anything it carries', () => {
    expect(parseWebviewMessage({ type: 'setBudget' })).toEqual({ type: 'setBudget' });
    expect(parseWebviewMessage({ type: 'setBudget', amount: 5, name: 'x' })).toEqual({ type: 'setBudget' });
    expect(parseWebviewMessage({ type: 'setBudgets' })).toBeUndefined();
  });
});

describe('model and status bar', () => {
  const snap = { version: 1, window: { range: '7d' }, today_cost: 3.5, budgets: section({ exists: false, status_text: null }) } as unknown as Snapshot;

  it('shows "$X of $Y this month" from the sidecar once a month budget exists, live with each push', async () => {
    const item = { text: '', tooltip: '', command: '', show: vi.fn(), hide: vi.fn(), dispose: vi.fn(), name: '' };
    window.createStatusBarItem.mockReturnValue(item as never);
    const status = new EventEmitter<SidecarStatus>();
    const sidecar = { status: { state: 'ready' } as SidecarStatus, onStatus: status.event, request: vi.fn().mockResolvedValue(snap) };
    const model = new TelemetryModel(sidecar as unknown as Sidecar, '7d');
    createStatusBar(model, sidecar as unknown as Sidecar);
    await model.refresh();
    expect(item.text).toBe('$(pulse) $3.50 today');

    const pushed: BudgetsSection[] = [];
    model.onBudgets((b) => pushed.push(b));
    model.applyBudgets(section());
    expect(item.text).toBe('$(pulse) $12 of $200 this month');
    expect(item.tooltip).toBe('Empathy Telemetry: month budget $12 of $200 this month; LLM cost today $3.50. Click to open the panel.');
    expect(model.snapshot?.budgets?.status_text).toBe('$12 of $200 this month');
    expect(pushed).toHaveLength(1);

    // Icon syntax in the sidecar's text is shown as typed.
    model.applyBudgets(section({ status_text: '$(zap) of $1' }));
    expect(item.text).toBe('$(pulse) \\$(zap) of $1');
    model.applyBudgets(section({ status_text: null }));
    expect(item.text).toBe('$(pulse) $3.50 today');
  });

  it('a push before any snapshot is remembered by nobody but still announced', () => {
    const model = new TelemetryModel({ request: vi.fn() } as unknown as Sidecar, '7d');
    const seen = vi.fn();
    model.onBudgets(seen);
    model.applyBudgets(section());
    expect(model.snapshot).toBeUndefined();
    expect(seen).toHaveBeenCalledTimes(1);
  });
});
