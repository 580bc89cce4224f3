import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  checkAlerts,
  formatValue,
  initAlerts,
  listAlerts,
  openAlertsConfig,
  openWorkflowSource,
  parseThreshold,
  registerAlertCommands,
  showFiredAlert,
  testAlert,
  validateTarget,
  type AlertsDeps,
} from '../../extension/src/alerts/alerts';
import { guarded } from '../../extension/src/commands';
import type { AlertMetricsResult, AlertsStatus, DidFireAlertParams } from '@protocol';
import { commands, window, workspace } from './vscode.mock';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'empathy-alerts-'));
const missing = path.join(tmp, 'missing', 'alerts.yaml');
const existing = path.join(tmp, 'alerts.yaml');
fs.writeFileSync(existing, 'alerts: []\n');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function status(over: Partial<AlertsStatus> = {}): AlertsStatus {
  return {
    enabled: true,
    configPath: existing,
    rules: [
      { name: 'Daily budget', metric: 'daily_cost', state: 'firing', severity: 'critical', lastValue: 12.34567, threshold: 10, lastFiredAt: '2026-01-02T03:04:05Z' },
      { name: 'Errors', metric: 'error_rate', state: 'ok', severity: 'warning', lastValue: null, threshold: 5, lastFiredAt: null },
    ],
    errors: [],
    failingChannels: [],
    ...over,
  };
}

let deps: AlertsDeps & { sidecar: { request: ReturnType<typeof vi.fn> } };
beforeEach(() => {
  deps = { sidecar: { request: vi.fn() }, ensureStarted: vi.fn() };
});

/** Answers by method name. */
function answer(map: Record<string, unknown>) {
  deps.sidecar.request.mockImplementation(async (method: string) => {
    if (!(method in map)) throw new Error(`unexpected ${method}`);
    return map[method];
  });
}

/** The sidecar's `empathy/alertMetrics` answer (its catalogue, abridged). */
const metrics: AlertMetricsResult = {
  metrics: [
    { metric: 'daily_cost', label: "Today's cost", unit: 'US dollars', example: '10' },
    { metric: 'error_rate', label: 'Error rate', unit: 'percent', example: '10' },
  ],
};

describe('the wizard (Empathy: Initialize Alerts)', () => {
  it('asks metric, threshold and where to send, then calls empathy/initAlerts and opens the file', async () => {
    answer({ 'empathy/alertMetrics': metrics, 'empathy/alerts': status({ enabled: false, rules: [], configPath: missing }), 'empathy/initAlerts': { configPath: existing } });
    window.showQuickPick
      .mockImplementationOnce(async (items: unknown) => (items as { description: string }[]).find((i) => i.description === 'daily_cost'))
      .mockImplementationOnce(async (items: unknown) => (items as { label: string }[]).find((i) => i.label === 'Webhook'));
    window.showInputBox.mockResolvedValueOnce(' 12.5 ').mockResolvedValueOnce(' https://hooks.example.com/x ');
    const res = await initAlerts(deps);
    expect(res).toEqual({ configPath: existing });
    expect(deps.sidecar.request).toHaveBeenLastCalledWith('empathy/initAlerts', {
      metric: 'daily_cost',
      threshold: 12.5,
      channel: 'webhook',
      target: 'https://hooks.example.com/x',
    });
    expect(window.showQuickPick).toHaveBeenCalledTimes(2);
    expect(window.showInputBox).toHaveBeenCalledTimes(2);
    expect(workspace.openTextDocument).toHaveBeenCalledWith(expect.objectContaining({ fsPath: existing }));
  });

  it('stdout needs no target', async () => {
    answer({ 'empathy/alertMetrics': metrics, 'empathy/alerts': status({ configPath: missing }), 'empathy/initAlerts': { configPath: existing } });
    window.showQuickPick
      .mockImplementationOnce(async (items: unknown) => (items as { description: string }[]).find((i) => i.description === 'error_rate'))
      .mockImplementationOnce(async (items: unknown) => (items as { label: string }[]).find((i) => i.label === 'Standard output'));
    window.showInputBox.mockResolvedValueOnce('10');
    await initAlerts(deps);
    expect(deps.sidecar.request).toHaveBeenLastCalledWith('empathy/initAlerts', { metric: 'error_rate', threshold: 10, channel: 'stdout' });
    expect(window.showInputBox).toHaveBeenCalledOnce();
  });

  it('stops when the user escapes a step', async () => {
    answer({ 'empathy/alertMetrics': metrics, 'empathy/alerts': status({ configPath: missing }) });
    window.showQuickPick.mockResolvedValueOnce(undefined);
    expect(await initAlerts(deps)).toBeUndefined();
    expect(deps.sidecar.request).not.toHaveBeenCalledWith('empathy/initAlerts', expect.anything());
  });

  it('asks before replacing an existing alerts.yaml and sends overwrite only then', async () => {
    answer({ 'empathy/alertMetrics': metrics, 'empathy/alerts': status(), 'empathy/initAlerts': { configPath: existing } });
    window.showWarningMessage.mockResolvedValueOnce('Open Existing' as never);
    expect(await initAlerts(deps)).toBeUndefined();
    expect(window.showTextDocument).toHaveBeenCalled();
    window.showWarningMessage.mockResolvedValueOnce('Replace' as never);
    window.showQuickPick
      .mockImplementationOnce(async (items: unknown) => (items as unknown[])[0])
      .mockImplementationOnce(async (items: unknown) => (items as { label: string }[]).find((i) => i.label === 'Email'));
    window.showInputBox.mockResolvedValueOnce('3').mockResolvedValueOnce('ops@example.com');
    await initAlerts(deps);
    expect(deps.sidecar.request).toHaveBeenLastCalledWith('empathy/initAlerts', {
      metric: 'daily_cost',
      threshold: 3,
      channel: 'email',
      target: 'ops@example.com',
      overwrite: true,
    });
  });

  it('validates what is typed', () => {
    expect(parseThreshold('2.5')).toBe(2.5);
    expect(parseThreshold('1e3')).toBe(1000);
    expect(parseThreshold('abc')).toBe('Enter a number, e.g. 10 or 2.5');
    expect(parseThreshold('-1')).toBe('Enter a number of 0 or more');
    expect(validateTarget('webhook', 'https://x.example/h')).toBeUndefined();
    expect(validateTarget('webhook', 'ftp://x')).toBe('The URL must start with https:// or http://');
    expect(validateTarget('webhook', 'nope')).toMatch(/Enter the webhook URL/);
    expect(validateTarget('email', 'a@b.co')).toBeUndefined();
    expect(validateTarget('email', 'a@b')).toBe('Enter an email address');
    expect(validateTarget('stdout', '')).toBeUndefined();
  });
});

describe('List / Test / Check / Open config', () => {
  it('lists the rules with state and last value', async () => {
    answer({ 'empathy/alerts': status({ errors: ['alerts.yaml:7: unknown metric'], failingChannels: ['webhook'] }) });
    await listAlerts(deps);
    const items = window.showQuickPick.mock.calls[0][0] as unknown as { label: string; description?: string; detail?: string }[];
    expect(items[0]).toMatchObject({ label: 'Daily budget', description: 'firing · critical' });
    expect(items[0].detail).toMatch(/^daily_cost: 12\.3457 \(threshold 10\) · last fired /);
    expect(items[1]).toMatchObject({ label: 'Errors', detail: 'error_rate: no data (threshold 5) · never fired' });
    expect(items[2].label).toBe('$(error) alerts.yaml:7: unknown metric');
    expect(items[3].label).toBe('$(warning) channel failing: webhook');
  });

  it('offers Initialize when nothing is configured', async () => {
    answer({ 'empathy/alerts': status({ enabled: false, rules: [], configPath: missing }) });
    await listAlerts(deps);
    expect(window.showInformationMessage).toHaveBeenCalledWith(
      'Empathy Telemetry: no alerts are configured (no alerts.yaml).',
      'Initialize Alerts',
    );
    expect(window.showQuickPick).not.toHaveBeenCalled();
  });

  it('tests a picked rule: shows value and threshold, sends nothing', async () => {
    answer({
      'empathy/alerts': status(),
      'empathy/testAlert': { rule: 'Daily budget', value: 12.5, threshold: 10, breached: true, message: 'daily_cost is 12.50 (> 10.00).' },
    });
    window.showQuickPick.mockImplementationOnce(async (items: unknown) => (items as unknown[])[0]);
    const res = await testAlert(deps);
    expect(res?.breached).toBe(true);
    expect(deps.sidecar.request).toHaveBeenCalledWith('empathy/testAlert', { rule: 'Daily budget' });
    expect(deps.sidecar.request).not.toHaveBeenCalledWith('empathy/checkAlerts', expect.anything());
    expect(window.showInformationMessage).toHaveBeenCalledWith(
      'Alert "Daily budget": value 12.5, threshold 10 — would fire. daily_cost is 12.50 (> 10.00). (Test only: nothing was sent.)',
    );
  });

  it('tests a named rule without asking', async () => {
    answer({ 'empathy/testAlert': { rule: 'Errors', value: null, threshold: 5, breached: false, message: 'no calls in 15m.' } });
    await testAlert(deps, 'Errors');
    expect(window.showQuickPick).not.toHaveBeenCalled();
    expect(window.showInformationMessage).toHaveBeenCalledWith(
      'Alert "Errors": value no data, threshold 5 — would not fire. no calls in 15m. (Test only: nothing was sent.)',
    );
  });

  it('check now reports what was evaluated, fired and resolved', async () => {
    answer({ 'empathy/alerts': status(), 'empathy/checkAlerts': { evaluated: 3, fired: 1, resolved: 0 } });
    await checkAlerts(deps);
    expect(deps.sidecar.request).toHaveBeenCalledWith('empathy/checkAlerts', {});
    expect(window.showInformationMessage).toHaveBeenCalledWith('Empathy Telemetry: checked 3 alert rules: 1 fired, 0 resolved.');
  });

  it('check now without alerts.yaml offers Initialize instead of an error', async () => {
    answer({ 'empathy/alerts': status({ enabled: false, rules: [], configPath: missing }) });
    expect(await checkAlerts(deps)).toBeUndefined();
    expect(deps.sidecar.request).not.toHaveBeenCalledWith('empathy/checkAlerts', expect.anything());
    expect(window.showInformationMessage).toHaveBeenCalledWith('Empathy Telemetry: no alerts are configured (no alerts.yaml).', 'Initialize Alerts');
  });

  it('opens alerts.yaml when it exists, else offers Initialize', async () => {
    answer({ 'empathy/alerts': status() });
    await openAlertsConfig(deps);
    expect(workspace.openTextDocument).toHaveBeenCalledWith(expect.objectContaining({ fsPath: existing }));
    answer({ 'empathy/alerts': status({ configPath: missing }) });
    await openAlertsConfig(deps);
    expect(window.showInformationMessage).toHaveBeenCalledWith(
      `Empathy Telemetry: there is no alerts config yet (${missing}). Create one now?`,
      'Initialize Alerts',
    );
  });

  it('falls back to .empathy/alerts.yaml of the first folder when the sidecar cannot answer', async () => {
    deps.sidecar.request.mockRejectedValue(new Error('down'));
    workspace.workspaceFolders = [{ uri: { fsPath: tmp } as never, name: 'ws', index: 0 }];
    try {
      await openAlertsConfig(deps);
      expect(window.showInformationMessage).toHaveBeenCalledWith(
        `Empathy Telemetry: there is no alerts config yet (${path.join(tmp, '.empathy', 'alerts.yaml')}). Create one now?`,
        'Initialize Alerts',
      );
    } finally {
      workspace.workspaceFolders = undefined;
    }
  });

  it('formats numbers only for display', () => {
    expect(formatValue(null)).toBe('no data');
    expect(formatValue(3)).toBe('3');
    expect(formatValue(0.123456)).toBe('0.1235');
  });
});

describe('empathy/didFireAlert', () => {
  const base: DidFireAlertParams = {
    level: 'warning',
    message: 'Daily budget: $12.50 > $10.00',
    rule: 'Daily budget',
    value: 12.5,
    threshold: 10,
    workflow_name: 'code-review',
    provider: null,
    resolved: false,
    buttons: [
      { title: 'Open Panel', command: 'empathy.openPanel' },
      { title: 'Open Workflow Source', command: 'empathy.openWorkflowSource', args: { workflowName: 'code-review' } },
      { title: 'Evil', command: 'workbench.action.terminal.sendSequence', args: { workflowName: 'x' } },
    ],
  };

  it.each([
    ['warning', 'showWarningMessage'],
    ['error', 'showErrorMessage'],
    ['information', 'showInformationMessage'],
  ] as const)('%s -> window.%s with the allowed buttons', async (level, fn) => {
    await showFiredAlert({ ...base, level });
    expect(window[fn]).toHaveBeenCalledWith(base.message, 'Open Panel', 'Open Workflow Source');
  });

  it('runs the chosen button with its args', async () => {
    window.showWarningMessage.mockResolvedValueOnce('Open Workflow Source' as never);
    await showFiredAlert(base);
    expect(commands.executeCommand).toHaveBeenCalledWith('empathy.openWorkflowSource', { workflowName: 'code-review' });
    window.showWarningMessage.mockResolvedValueOnce('Open Panel' as never);
    await showFiredAlert(base);
    expect(commands.executeCommand).toHaveBeenCalledWith('empathy.openPanel');
  });

  it('never runs a command outside the allow-list', async () => {
    window.showWarningMessage.mockResolvedValueOnce('Evil' as never);
    await showFiredAlert(base);
    expect(commands.executeCommand).not.toHaveBeenCalled();
  });
});

describe('empathy.openWorkflowSource', () => {
  it('resolves the workflow through the sidecar and says when nothing was found', async () => {
    answer({ 'empathy/resolveSource': { uri: null, reason: 'no source recorded' } });
    await openWorkflowSource(deps, { workflowName: 'doc-gen' });
    expect(deps.sidecar.request).toHaveBeenCalledWith('empathy/resolveSource', { workflowName: 'doc-gen' });
    expect(window.showInformationMessage).toHaveBeenCalledWith('No source found for workflow "doc-gen": no source recorded');
  });

  it('refuses a missing or malformed argument without asking the sidecar', async () => {
    await openWorkflowSource(deps, { workflowName: 3 });
    await openWorkflowSource(deps, undefined);
    expect(deps.sidecar.request).not.toHaveBeenCalled();
    expect(window.showInformationMessage).toHaveBeenCalledWith('Empathy Telemetry: no workflow to open.');
  });
});

describe('registerAlertCommands', () => {
  it('registers the five palette commands and the button command; failures become error messages', async () => {
    const handlers = new Map<string, (...a: unknown[]) => Promise<void>>();
    commands.registerCommand.mockImplementation(((id: string, fn: (...a: unknown[]) => Promise<void>) => {
      handlers.set(id, fn);
      return { dispose: () => undefined };
    }) as never);
    registerAlertCommands(deps, guarded);
    expect([...handlers.keys()]).toEqual([
      'empathy.initAlerts',
      'empathy.listAlerts',
      'empathy.testAlert',
      'empathy.checkAlerts',
      'empathy.openAlertsConfig',
      'empathy.openWorkflowSource',
    ]);
    deps.sidecar.request.mockRejectedValue(new Error('sidecar gone'));
    await handlers.get('empathy.listAlerts')?.();
    expect(window.showErrorMessage).toHaveBeenCalledWith('Empathy Telemetry: sidecar gone');
    await handlers.get('empathy.testAlert')?.('Errors');
    expect(deps.sidecar.request).toHaveBeenLastCalledWith('empathy/testAlert', { rule: 'Errors' });
  });
});
