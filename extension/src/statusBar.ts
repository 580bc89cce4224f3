/**
 * The status-bar item: today's cost, or "$X of $Y this month" (the sidecar's text) when a month
 * budget exists; opens the panel, or the logs when the sidecar is down.
 */
import * as vscode from 'vscode';
import { noIcons } from './common/plainText';
import { monthBudgetText, todaysCost, type TelemetryModel } from './model';
import type { SetupController } from './setup/controller';
import type { Sidecar } from './sidecar/client';

export function formatCost(cost: number): string {
  return cost >= 100 ? `$${cost.toFixed(0)}` : `$${cost.toFixed(2)}`;
}

export function createStatusBar(
  model: TelemetryModel,
  sidecar: Sidecar,
  setup?: Pick<SetupController, 'state' | 'onState'>,
): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('empathy.todayCost', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Empathy Telemetry';
  const render = (): void => {
    const state = sidecar.status.state;
    const set = setup?.state;
    if (set) {
      // The panel shows the set-up state and its buttons.
      item.text = set.kind === 'installing' ? '$(sync~spin) Setting up…' : '$(warning) Empathy';
      item.tooltip = `Empathy Telemetry: ${set.kind === 'installing' ? (set.progress ?? set.message) : set.message}`;
      item.command = 'empathy.openPanel';
      item.show();
      return;
    }
    if (state === 'error') {
      item.text = '$(warning) Empathy';
      item.tooltip = sidecar.status.message ?? 'Empathy Telemetry: the sidecar is not running';
      item.command = 'empathy.showLogs';
      item.show();
      return;
    }
    item.command = 'empathy.openPanel';
    const cost = model.snapshot ? todaysCost(model.snapshot) : undefined;
    const budget = model.snapshot ? monthBudgetText(model.snapshot) : undefined;
    const filtered = Object.values(model.view.filters).some(Boolean);
    if (state === 'reconnecting') item.text = '$(sync~spin) Empathy';
    else if (budget) item.text = `$(pulse) ${noIcons(budget)}`;
    else if (cost === undefined) item.text = '$(pulse) Empathy';
    else item.text = `$(pulse) ${formatCost(cost)} today`;
    item.tooltip = budget
      ? // The budget counts its own scope, whatever the panel's filters; today's cost follows the view.
        `Empathy Telemetry: month budget ${budget}${cost === undefined ? '' : `; LLM cost today ${formatCost(cost)}${filtered ? ' (filtered view)' : ''}`}. Click to open the panel.`
      : `Empathy Telemetry: LLM cost today${filtered ? ' (filtered view)' : ''}. Click to open the panel.`;
    if (state !== 'stopped' || model.snapshot) item.show();
  };
  render();
  return vscode.Disposable.from(
    item,
    model.onSnapshot(render),
    model.onUpdate(render),
    model.onBudgets(render),
    sidecar.onStatus(render),
    setup?.onState(render) ?? { dispose: () => undefined },
  );
}
