/**
 * Alerts in VS Code: the palette commands (initialize, list, test, check, open config), the
 * notification for `empathy/didFireAlert`, and `empathy.openWorkflowSource` for its button.
 * The sidecar evaluates every rule and owns every number; this module only asks and shows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { log } from '../common/log';
import { noIcons, notify, promptText, showMessage } from '../common/plainText';
import { openSource } from '../panel/openSource';
import type { Requester } from '../sidecar/client';
import {
  Methods,
  type AlertRuleStatus,
  type AlertsStatus,
  type CheckAlertsResult,
  type DidFireAlertParams,
  type InitAlertsParams,
  type InitAlertsResult,
  type TestAlertResult,
} from '@protocol';

export interface AlertsDeps {
  sidecar: Requester;
  ensureStarted(): void;
}

type Channel = InitAlertsParams['channel'];
const CHANNELS: readonly { channel: Channel; label: string; detail: string }[] = [
  { channel: 'webhook', label: 'Webhook', detail: 'POST JSON to a URL (Slack, Discord or your own endpoint)' },
  { channel: 'email', label: 'Email', detail: 'Send through SMTP (configure the settings block in alerts.yaml)' },
  { channel: 'stdout', label: 'Standard output', detail: 'Print to the watcher’s output (no network)' },
];

const INITIALIZE = 'Initialize Alerts';
/** Commands a notification button may run; anything else from the sidecar is ignored. */
export const ALERT_BUTTON_COMMANDS: readonly string[] = ['empathy.openPanel', 'empathy.openWorkflowSource'];

/** Presentation only: the sidecar's number as short text. */
export function formatValue(v: number | null): string {
  if (v === null) return 'no data';
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(4)));
}

/** The threshold typed in step 2, or an error message for the input box. */
export function parseThreshold(text: string): number | string {
  const t = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return 'Enter a number, e.g. 10 or 2.5';
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 ? n : 'Enter a number of 0 or more';
}

export function validateTarget(channel: Channel, text: string): string | undefined {
  const t = text.trim();
  if (channel === 'webhook') {
    try {
      const u = new URL(t);
      return u.protocol === 'https:' || u.protocol === 'http:' ? undefined : 'The URL must start with https:// or http://';
    } catch {
      return 'Enter the webhook URL, e.g. https://hooks.slack.com/services/…';
    }
  }
  if (channel === 'email') return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t) ? undefined : 'Enter an email address';
  return undefined;
}

async function alertsStatus(deps: AlertsDeps): Promise<AlertsStatus> {
  deps.ensureStarted();
  return deps.sidecar.request(Methods.alerts, {});
}

async function openConfigFile(file: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc, { preview: false });
}

/** "Empathy: Initialize Alerts": metric, threshold, where to send -> `empathy/initAlerts`. */
export async function initAlerts(deps: AlertsDeps): Promise<InitAlertsResult | undefined> {
  const status = await alertsStatus(deps);
  let overwrite = false;
  if (fs.existsSync(status.configPath)) {
    const REPLACE = 'Replace';
    const OPEN = 'Open Existing';
    const choice = await showMessage(
      'warning',
      `${status.configPath} already exists.`,
      { modal: true, detail: 'Replace it with a new file holding one rule, or open the existing one?' },
      REPLACE,
      OPEN,
    );
    if (choice === OPEN) await openConfigFile(status.configPath);
    if (choice !== REPLACE) return undefined;
    overwrite = true;
  }
  // The metrics (and the unit each threshold is in) come from the sidecar's catalogue (alerts/catalog.py).
  const { metrics } = await deps.sidecar.request(Methods.alertMetrics, {});
  const metric = await vscode.window.showQuickPick(
    metrics.map((m) => ({ label: noIcons(m.label), description: noIcons(m.metric), m })),
    { title: 'Initialize Alerts (1/3): what to watch', placeHolder: 'Pick a metric', ignoreFocusOut: true },
  );
  if (!metric) return undefined;
  const thresholdText = await vscode.window.showInputBox({
    title: 'Initialize Alerts (2/3): threshold',
    prompt: promptText(`Alert when ${metric.m.label.toLowerCase()} is above this value (${metric.m.unit})`),
    value: metric.m.example,
    ignoreFocusOut: true,
    validateInput: (t) => {
      const r = parseThreshold(t);
      return typeof r === 'string' ? r : undefined;
    },
  });
  if (thresholdText === undefined) return undefined;
  const threshold = parseThreshold(thresholdText);
  if (typeof threshold === 'string') return undefined;
  const channel = await vscode.window.showQuickPick(
    CHANNELS.map((c) => ({ label: c.label, detail: c.detail, c })),
    { title: 'Initialize Alerts (3/3): where to send', ignoreFocusOut: true },
  );
  if (!channel) return undefined;
  const params: InitAlertsParams = { metric: metric.m.metric, threshold, channel: channel.c.channel };
  if (channel.c.channel !== 'stdout') {
    const target = await vscode.window.showInputBox({
      title: `Initialize Alerts (3/3): ${channel.c.channel === 'webhook' ? 'webhook URL' : 'email address'}`,
      ignoreFocusOut: true,
      validateInput: (t) => validateTarget(channel.c.channel, t),
    });
    if (target === undefined) return undefined;
    params.target = target.trim();
  }
  if (overwrite) params.overwrite = true;
  const res = await deps.sidecar.request(Methods.initAlerts, params);
  log.info(`alerts initialized: ${res.configPath}`);
  await openConfigFile(res.configPath);
  void notify.info(
    `Empathy Telemetry: alerts are on. The rule is in ${path.basename(res.configPath)}; edit it to add more.`,
  );
  return res;
}

function ruleDetail(r: AlertRuleStatus): string {
  const fired = r.lastFiredAt ? `last fired ${new Date(r.lastFiredAt).toLocaleString()}` : 'never fired';
  return `${r.metric}: ${formatValue(r.lastValue)} (threshold ${formatValue(r.threshold)}) · ${fired}`;
}

async function offerInitialize(deps: AlertsDeps, message: string): Promise<void> {
  const choice = await notify.info(message, INITIALIZE);
  if (choice === INITIALIZE) await initAlerts(deps);
}

/** "Empathy: List Alerts": the rules with state and last value; picking one opens the config. */
export async function listAlerts(deps: AlertsDeps): Promise<void> {
  const status = await alertsStatus(deps);
  if (!status.enabled && status.rules.length === 0 && status.errors.length === 0) {
    await offerInitialize(deps, 'Empathy Telemetry: no alerts are configured (no alerts.yaml).');
    return;
  }
  const items: (vscode.QuickPickItem & { rule?: string })[] = status.rules.map((r) => ({
    label: noIcons(r.name),
    description: noIcons(`${r.state} · ${r.severity}`),
    detail: noIcons(ruleDetail(r)),
    rule: r.name,
  }));
  for (const e of status.errors) items.push({ label: `$(error) ${noIcons(e)}` });
  for (const c of status.failingChannels) items.push({ label: `$(warning) channel failing: ${noIcons(c)}` });
  const pick = await vscode.window.showQuickPick(items, {
    title: `Alerts (${status.rules.length}) — ${status.configPath}`,
    placeHolder: 'Pick a rule to open the alerts config',
    matchOnDetail: true,
  });
  if (pick) await openConfigFile(status.configPath);
}

/** "Empathy: Test Alert…": evaluates one rule now and shows value vs threshold; sends nothing. */
export async function testAlert(deps: AlertsDeps, rule?: string): Promise<TestAlertResult | undefined> {
  let name = rule;
  if (!name) {
    const status = await alertsStatus(deps);
    if (status.rules.length === 0) {
      await offerInitialize(deps, 'Empathy Telemetry: there are no alert rules to test.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      status.rules.map((r) => ({ label: noIcons(r.name), description: noIcons(r.state), detail: noIcons(ruleDetail(r)), rule: r.name })),
      { title: 'Test Alert (evaluates now, sends nothing)' },
    );
    if (!pick) return undefined;
    name = pick.rule;
  }
  deps.ensureStarted();
  const res = await deps.sidecar.request(Methods.testAlert, { rule: name });
  const verdict = res.breached ? 'would fire' : 'would not fire';
  void notify.info(
    `Alert "${res.rule}": value ${formatValue(res.value)}, threshold ${formatValue(res.threshold)} — ${verdict}. ${res.message} (Test only: nothing was sent.)`,
  );
  return res;
}

/** "Empathy: Check Alerts Now": evaluate and deliver now. */
export async function checkAlerts(deps: AlertsDeps): Promise<CheckAlertsResult | undefined> {
  const status = await alertsStatus(deps);
  if (!status.enabled && status.rules.length === 0) {
    await offerInitialize(deps, 'Empathy Telemetry: no alerts are configured (no alerts.yaml).');
    return undefined;
  }
  const res = await deps.sidecar.request(Methods.checkAlerts, {});
  void notify.info(
    `Empathy Telemetry: checked ${res.evaluated} alert rule${res.evaluated === 1 ? '' : 's'}: ${res.fired} fired, ${res.resolved} resolved.`,
  );
  return res;
}

/** The alerts.yaml the sidecar reads; `.empathy/alerts.yaml` of the first folder if it cannot say. */
async function configPath(deps: AlertsDeps): Promise<string | undefined> {
  try {
    return (await alertsStatus(deps)).configPath;
  } catch (err) {
    log.warn(`alerts status unavailable: ${String(err)}`);
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return root ? path.join(root, '.empathy', 'alerts.yaml') : undefined;
  }
}

/** "Empathy: Open Alerts Config": opens alerts.yaml, or offers to initialize it when missing. */
export async function openAlertsConfig(deps: AlertsDeps): Promise<void> {
  const file = await configPath(deps);
  if (file && fs.existsSync(file)) {
    await openConfigFile(file);
    return;
  }
  await offerInitialize(deps, `Empathy Telemetry: there is no alerts config yet${file ? ` (${file})` : ''}. Create one now?`);
}

/** `empathy/didFireAlert` -> a notification by level, with the sidecar's buttons. */
export async function showFiredAlert(a: DidFireAlertParams): Promise<void> {
  const buttons = a.buttons.filter((b) => ALERT_BUTTON_COMMANDS.includes(b.command));
  const titles = buttons.map((b) => b.title);
  const level = a.level === 'error' ? 'error' : a.level === 'warning' ? 'warning' : 'info';
  const choice = await showMessage(level, a.message, undefined, ...titles);
  const button = buttons.find((b) => b.title === choice);
  if (!button) return;
  if (button.args) await vscode.commands.executeCommand(button.command, button.args);
  else await vscode.commands.executeCommand(button.command);
}

/** `empathy.openWorkflowSource` `{workflowName}`: the alert's button to a workflow's source. */
export async function openWorkflowSource(deps: AlertsDeps, args: unknown): Promise<void> {
  const workflowName =
    typeof args === 'object' && args !== null && typeof (args as { workflowName?: unknown }).workflowName === 'string'
      ? (args as { workflowName: string }).workflowName
      : undefined;
  if (!workflowName) {
    void notify.info('Empathy Telemetry: no workflow to open.');
    return;
  }
  deps.ensureStarted();
  const res = await openSource(deps.sidecar, { workflowName });
  if (!res.opened && res.message) void notify.info(res.message);
}

export function registerAlertCommands(
  deps: AlertsDeps,
  guarded: (name: string, fn: (...args: unknown[]) => unknown) => (...args: unknown[]) => Promise<void>,
): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('empathy.initAlerts', guarded('initialize alerts', () => initAlerts(deps))),
    vscode.commands.registerCommand('empathy.listAlerts', guarded('list alerts', () => listAlerts(deps))),
    vscode.commands.registerCommand(
      'empathy.testAlert',
      guarded('test alert', (rule) => testAlert(deps, typeof rule === 'string' ? rule : undefined)),
    ),
    vscode.commands.registerCommand('empathy.checkAlerts', guarded('check alerts', () => checkAlerts(deps))),
    vscode.commands.registerCommand('empathy.openAlertsConfig', guarded('open alerts config', () => openAlertsConfig(deps))),
    vscode.commands.registerCommand(
      'empathy.openWorkflowSource',
      guarded('open workflow source', (args) => openWorkflowSource(deps, args)),
    ),
  );
}
