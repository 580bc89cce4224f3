// activate() wiring with vscode and the language client mocked: commands, trust, initializationOptions,
// alert notifications, status bar.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { commands, Uri, window, workspace } from './vscode.mock';

const instances: FakeClient[] = [];
class FakeClient {
  running = false;
  notifications = new Map<string, (p: unknown) => void>();
  constructor(
    _id: string,
    _name: string,
    readonly server: { command: string },
    readonly options: { initializationOptions: Record<string, unknown> },
  ) {
    instances.push(this);
  }
  onNotification(method: string, fn: (p: unknown) => void) {
    this.notifications.set(method, fn);
  }
  async start() {
    this.running = true;
  }
  async stop() {
    this.running = false;
  }
  async dispose() {
    this.running = false;
  }
  isRunning() {
    return this.running;
  }
  sendRequest = vi.fn(async (method: string) => {
    if (method === 'empathy/snapshot') {
      return { version: 1, window: { range: 'today', now: '2026-11-27T10:00:00Z' }, overview: { total_cost: 1.5 }, cost_series: [] };
    }
    return {};
  });
}

vi.mock('vscode-languageclient/node', () => ({
  LanguageClient: FakeClient,
  CloseAction: { DoNotRestart: 1 },
  ErrorAction: { Continue: 1 },
  RevealOutputChannelOn: { Never: 4 },
}));
vi.mock('node:child_process', () => ({
  execFile: (_c: string, _a: string[], _o: unknown, cb: (e: null, out: string, err: string) => void) =>
    setTimeout(() => cb(null, '{"version": [3, 12, 0], "module": true}', ''), 0),
  spawn: vi.fn(),
}));

const { activate, deactivate } = await import('../../extension/src/extension');

function context() {
  return {
    subscriptions: [] as { dispose(): unknown }[],
    extensionUri: Uri.file('/ext'),
    extensionPath: '/ext',
    globalStorageUri: Uri.file(os.tmpdir()),
    extension: { packageJSON: { version: '0.1.0' } },
  };
}

let handlers: Map<string, (...a: unknown[]) => unknown>;
let statusItem: { text: string; show: ReturnType<typeof vi.fn>; command?: string };
beforeEach(() => {
  instances.length = 0;
  handlers = new Map();
  commands.registerCommand.mockImplementation(((id: string, fn: (...a: unknown[]) => unknown) => {
    handlers.set(id, fn);
    return { dispose: () => undefined };
  }) as never);
  statusItem = { text: '', show: vi.fn(), command: undefined };
  window.createStatusBarItem.mockReturnValue({ ...statusItem, hide: vi.fn(), dispose: vi.fn() } as never);
  workspace.isTrusted = false;
});
afterEach(async () => {
  await deactivate();
  workspace.isTrusted = true;
  workspace.trustListeners.length = 0;
});

describe('activate', () => {
  it('registers every command and starts nothing in a workspace without telemetry', () => {
    const ctx = context();
    activate(ctx as never);
    expect([...handlers.keys()].sort()).toEqual(
      [
        'empathy.checkAlerts',
        'empathy.exportCsv',
        'empathy.generateDemo',
        'empathy.initAlerts',
        'empathy.listAlerts',
        'empathy.openAlertsConfig',
        'empathy.openPanel',
        'empathy.openWorkflowSource',
        'empathy.restartSidecar',
        'empathy.setBudget',
        'empathy.showLogs',
        'empathy.testAlert',
      ].sort(),
    );
    expect(instances).toHaveLength(0);
    expect(ctx.subscriptions.length).toBeGreaterThan(5);
    // Trust granted before anything runs: nothing to restart.
    workspace.trustListeners.forEach((l) => l());
    expect(instances).toHaveLength(0);
  });

  it('sends alertActions from workspace trust and restarts when trust is granted', async () => {
    activate(context() as never);
    await handlers.get('empathy.restartSidecar')?.();
    expect(instances).toHaveLength(1);
    expect(instances[0]!.options.initializationOptions).toEqual({
      telemetryDirs: [],
      naiveTimezone: 'local',
      activityLimit: 20,
      debounceMs: 50,
      retentionDays: 30,
      refreshFallbackSeconds: 0,
      alertActions: false,
    });
    workspace.isTrusted = true;
    workspace.trustListeners.forEach((l) => l());
    await vi.waitFor(() => expect(instances).toHaveLength(2));
    expect(instances[1]!.options.initializationOptions.alertActions).toBe(true);
  });

  it('shows a fired alert as a notification by level, and today\'s cost in the status bar', async () => {
    activate(context() as never);
    await handlers.get('empathy.restartSidecar')?.();
    const client = instances[0]!;
    client.notifications.get('empathy/didFireAlert')?.({
      level: 'error',
      message: 'Error rate: 40% > 10%',
      rule: 'Error rate',
      value: 40,
      threshold: 10,
      workflow_name: null,
      provider: null,
      resolved: false,
      buttons: [{ title: 'Open Panel', command: 'empathy.openPanel' }],
    });
    expect(window.showErrorMessage).toHaveBeenCalledWith('Error rate: 40% > 10%', 'Open Panel');
    // Ready -> the model fetches the view; the status bar follows.
    await vi.waitFor(() => expect(client.sendRequest).toHaveBeenCalledWith('empathy/snapshot', { range: '30d', filters: {} }));
  });

  it('starts the sidecar at activation when a folder holds what a workspaceContains: event names', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../extension/package.json'), 'utf8')) as {
      activationEvents: string[];
    };
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'empathy-activate-'));
    fs.mkdirSync(path.join(ws, '.attune'));
    workspace.workspaceFolders = [{ uri: Uri.file(ws), name: 'ws', index: 0 }];
    try {
      activate({ ...context(), extension: { packageJSON: { version: '0.1.0', activationEvents: manifest.activationEvents } } } as never);
      await vi.waitFor(() => expect(instances).toHaveLength(1));
    } finally {
      workspace.workspaceFolders = undefined;
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
