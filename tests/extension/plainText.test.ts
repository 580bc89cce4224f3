/**
 * Issue 12, item 1: no telemetry text becomes markup or a command in VS Code's own UI. The two
 * patterns below are VS Code 1.139's own (workbench.js: `parseLinkedText` and `renderLabelWithIcons`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { initAlerts, listAlerts, openWorkflowSource, showFiredAlert, testAlert, type AlertsDeps } from '../../extension/src/alerts/alerts';
import { guarded } from '../../extension/src/commands';
import { createLog, log } from '../../extension/src/common/log';
import { logText, noIcons, noLinks, promptText, showMessage } from '../../extension/src/common/plainText';
import { History } from '../../extension/src/history';
import { TelemetryModel } from '../../extension/src/model';
import type { AlertsStatus, DidFireAlertParams } from '../../extension/src/protocol';
import type { Sidecar, SidecarStatus } from '../../extension/src/sidecar/client';
import { createStatusBar } from '../../extension/src/statusBar';
import { commands, EventEmitter, window } from './vscode.mock';

const LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
const ICON = /(\\)?\$\(([a-z0-9-]+(?:~[a-z0-9-]+)?)\)/gi;
const EVIL = '[Open settings](command:workbench.action.openSettings?%5B%22x%22%5D)';
const ICONIC = '$(gear) [x](https://example.com) $(sync~spin)';

/** What VS Code would render as links in this notification text (none, for plain text). */
const links = (text: string): string[] => [...text.matchAll(LINK)].map((m) => m[2]!);
/** Icons VS Code would render in a quick-pick label (escaped ones show as typed). */
const icons = (text: string): string[] => [...text.matchAll(ICON)].filter((m) => !m[1]).map((m) => m[2]!);
/** What the user reads: VS Code drops the backslash of an escaped icon; the word joiner is invisible. */
const visible = (text: string): string => text.replace(/\u2060/g, '').replace(/\\\$\(/g, '$(');

let deps: AlertsDeps & { sidecar: { request: ReturnType<typeof vi.fn> } };
beforeEach(() => {
  deps = { sidecar: { request: vi.fn() }, ensureStarted: vi.fn() };
});

describe('plainText helpers', () => {
  it('noLinks breaks every link and keeps the visible text', () => {
    for (const t of [EVIL, '[a](https://x.y) and [b](file:///etc/passwd "t")', '[[x]](command:y)', ']((command:a)']) {
      expect(links(noLinks(t))).toEqual([]);
      expect(visible(noLinks(t))).toBe(t);
    }
    expect(links(EVIL)).toEqual(['command:workbench.action.openSettings?%5B%22x%22%5D']);
  });

  it('noIcons escapes every $( so nothing renders as an icon, and promptText does both', () => {
    expect(icons(ICONIC)).toEqual(['gear', 'sync~spin']);
    expect(icons(noIcons(ICONIC))).toEqual([]);
    expect(visible(noIcons(ICONIC))).toBe(ICONIC);
    expect(icons(promptText(ICONIC))).toEqual([]);
    expect(links(promptText(ICONIC))).toEqual([]);
  });

  it('logText keeps one call on one line and shows control characters', () => {
    expect(logText('a\nb\r\tc\u001b[31md\u2028')).toBe('a\\nb\\r\\tc\\u001b[31md\\u2028');
  });

  it('showMessage gives back the original title of a button whose shown title was changed', async () => {
    window.showWarningMessage.mockImplementationOnce(async (...args: unknown[]) => args[2] as never);
    const choice = await showMessage('warning', EVIL, { modal: true, detail: EVIL }, `Go ${EVIL}`);
    expect(choice).toBe(`Go ${EVIL}`);
    const [text, opts, button] = window.showWarningMessage.mock.calls[0] as unknown as [string, { detail: string }, string];
    expect(links(text)).toEqual([]);
    expect(links(opts.detail)).toEqual([]);
    expect(links(button)).toEqual([]);
  });
});

describe('notifications', () => {
  it('"No source found for workflow …" shows a workflow named as a command link as text', async () => {
    deps.sidecar.request.mockResolvedValue({ uri: null, reason: 'no source recorded' });
    await openWorkflowSource(deps, { workflowName: EVIL });
    expect(deps.sidecar.request).toHaveBeenCalledWith('empathy/resolveSource', { workflowName: EVIL });
    const text = window.showInformationMessage.mock.calls[0]![0] as unknown as string;
    expect(links(text)).toEqual([]);
    expect(visible(text)).toBe(`No source found for workflow "${EVIL}": no source recorded`);
  });

  it('a fired alert: message and button titles are text, and the chosen button still runs', async () => {
    const alert: DidFireAlertParams = {
      level: 'warning',
      message: `Budget ${EVIL}`,
      rule: EVIL,
      value: 1,
      threshold: 0.5,
      workflow_name: EVIL,
      provider: null,
      resolved: false,
      buttons: [{ title: `Open ${EVIL}`, command: 'empathy.openWorkflowSource', args: { workflowName: EVIL } }],
    };
    window.showWarningMessage.mockImplementationOnce(async (...args: unknown[]) => args[1] as never);
    await showFiredAlert(alert);
    const [text, title] = window.showWarningMessage.mock.calls[0] as unknown as [string, string];
    expect(links(text)).toEqual([]);
    expect(links(title)).toEqual([]);
    expect(commands.executeCommand).toHaveBeenCalledWith('empathy.openWorkflowSource', { workflowName: EVIL });
  });

  it('Test Alert: the rule name and the sidecar message are text', async () => {
    deps.sidecar.request.mockResolvedValue({ rule: EVIL, value: 1, threshold: 2, breached: false, message: EVIL });
    await testAlert(deps, EVIL);
    const text = window.showInformationMessage.mock.calls[0]![0] as unknown as string;
    expect(links(text)).toEqual([]);
  });

  it('a sidecar error shown by a guarded command is text', async () => {
    await guarded('x', () => Promise.reject(new Error(`unknown workflow ${EVIL}`)))();
    const text = window.showErrorMessage.mock.calls[0]![0] as unknown as string;
    expect(links(text)).toEqual([]);
  });

  it('the modal "already exists" dialog of Initialize Alerts shows the sidecar path as text', async () => {
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'empathy-plain-'));
    const file = path.join(dir, `${EVIL.replace(/\//g, '_')}.yaml`);
    fs.writeFileSync(file, 'alerts: []\n');
    try {
      deps.sidecar.request.mockResolvedValue({ enabled: true, configPath: file, rules: [], errors: [], failingChannels: [] });
      await initAlerts(deps);
      const text = window.showWarningMessage.mock.calls[0]![0] as unknown as string;
      expect(links(text)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Undo of a foreign archive: the path is text', async () => {
    const history = new History({ sidecar: deps.sidecar, ensureStarted: vi.fn(), onChanged: vi.fn() });
    await history.undo(`/ws/${EVIL}`);
    const text = window.showWarningMessage.mock.calls[0]![0] as unknown as string;
    expect(links(text)).toEqual([]);
  });
});

describe('quick picks', () => {
  const status = (name: string): AlertsStatus => ({
    enabled: true,
    configPath: '/ws/.empathy/alerts.yaml',
    rules: [{ name, metric: `daily_cost $(x)`, state: 'ok', severity: 'warning', lastValue: 1, threshold: 2, lastFiredAt: null }],
    errors: [`alerts.yaml:3: bad rule ${ICONIC}`],
    failingChannels: [`webhook ${ICONIC}`],
  });

  it('List Alerts: rule names, details, errors and channels show $(…) as typed', async () => {
    deps.sidecar.request.mockResolvedValue(status(ICONIC));
    await listAlerts(deps);
    const items = window.showQuickPick.mock.calls[0]![0] as unknown as { label: string; description?: string; detail?: string }[];
    expect(items).toHaveLength(3);
    for (const item of items) {
      const own = [item.label.replace(/^\$\((error|warning)\) /, ''), item.description ?? '', item.detail ?? ''];
      for (const text of own) expect(icons(text)).toEqual([]);
    }
    expect(visible(items[0]!.label)).toBe(ICONIC);
    expect(items[1]!.label.startsWith('$(error) ')).toBe(true);
  });

  it('Test Alert…: the shown label is escaped, the sidecar still gets the rule name as written', async () => {
    deps.sidecar.request.mockImplementation(async (method: string) =>
      method === 'empathy/alerts' ? status(ICONIC) : { rule: ICONIC, value: 1, threshold: 2, breached: false, message: 'ok' },
    );
    window.showQuickPick.mockImplementationOnce(async (items: unknown) => (items as unknown[])[0]);
    await testAlert(deps);
    const items = window.showQuickPick.mock.calls[0]![0] as unknown as { label: string; detail: string }[];
    expect(icons(items[0]!.label)).toEqual([]);
    expect(icons(items[0]!.detail)).toEqual([]);
    expect(deps.sidecar.request).toHaveBeenLastCalledWith('empathy/testAlert', { rule: ICONIC });
  });
});

describe('status bar', () => {
  it('the tooltip stays a string (VS Code sets a string tooltip as textContent), never a MarkdownString', () => {
    const item = { text: '', tooltip: '' as unknown, command: '', show: vi.fn(), hide: vi.fn(), dispose: vi.fn(), name: '' };
    window.createStatusBarItem.mockReturnValue(item as never);
    const status = new EventEmitter<SidecarStatus>();
    const sidecar = { status: { state: 'error', message: `failed: ${EVIL} <b>x</b>` } as SidecarStatus, onStatus: status.event, request: vi.fn() };
    createStatusBar(new TelemetryModel(sidecar as unknown as Sidecar, 'today'), sidecar as unknown as Sidecar);
    expect(item.tooltip).toBe(`failed: ${EVIL} <b>x</b>`);
    // No surface of the extension builds markdown: a MarkdownString would need isTrusted/supportHtml care.
    const src = path.join(__dirname, '../../extension/src');
    const files = fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.includes('generated'));
    for (const f of files) expect(fs.readFileSync(path.join(src, f), 'utf8'), f).not.toMatch(/MarkdownString/);
  });
});

describe('output channel', () => {
  it('a name with a newline cannot forge a second log line', () => {
    const channel = createLog() as unknown as Record<'info' | 'error', ReturnType<typeof vi.fn>>;
    log.info(`refused to open x\n2026-01-01 [error] forged`);
    expect(channel.info).toHaveBeenCalledWith('refused to open x\\n2026-01-01 [error] forged');
    log.error('resolve failed', new Error('bad\nline'));
    const line = channel.error.mock.calls[0]![0] as string;
    expect(line.split('\n')[0]).toBe('resolve failed: Error: bad\\nline');
    expect(line.split('\n').slice(1).every((l) => /^\s+at /.test(l))).toBe(true);
  });

  it('every show*Message in extension/src goes through plainText', () => {
    const src = path.join(__dirname, '../../extension/src');
    const files = fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('plainText.ts'));
    for (const f of files) expect(fs.readFileSync(path.join(src, f), 'utf8'), f).not.toMatch(/show(Information|Warning|Error)Message/);
  });
});
