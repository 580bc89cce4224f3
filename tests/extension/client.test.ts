import { beforeEach, describe, expect, it, vi } from 'vitest';

const instances: FakeClient[] = [];

class FakeClient {
  running = false;
  options: { initializationOptions: unknown; errorHandler: { closed(): { action: number } } };
  server: { command: string; args: string[] };
  notifications = new Map<string, (p: unknown) => void>();
  constructor(_id: string, _name: string, server: FakeClient['server'], options: FakeClient['options']) {
    this.server = server;
    this.options = options;
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
  sendRequest = vi.fn(async (method: string) => ({ method }));
  /** The process died under us. */
  crash() {
    this.running = false;
    return this.options.errorHandler.closed();
  }
}

vi.mock('vscode-languageclient/node', () => ({
  LanguageClient: FakeClient,
  CloseAction: { DoNotRestart: 1, Restart: 2 },
  ErrorAction: { Continue: 1, Shutdown: 2 },
  RevealOutputChannelOn: { Never: 4 },
}));

const { Sidecar } = await import('../../extension/src/sidecar/client');

function make(python: string | null = '/py') {
  const states: string[] = [];
  const sc = new Sidecar({
    resolvePython: vi.fn(async () => python ?? undefined),
    initializationOptions: () => ({ telemetryDirs: [], naiveTimezone: 'local', activityLimit: 20, debounceMs: 250 }),
    channel: {} as never,
    cwd: () => '/ws',
  });
  sc.onStatus((s) => states.push(s.state));
  return { sc, states };
}

beforeEach(() => {
  instances.length = 0;
});

describe('Sidecar', () => {
  it('collapses restarts within the debounce into one', async () => {
    const { sc, states } = make();
    const all = Promise.all([sc.restart('a', 20), sc.restart('b', 20), sc.restart('c', 20)]);
    await all;
    expect(instances).toHaveLength(1);
    expect(instances[0].server).toMatchObject({ command: '/py', args: ['-m', 'empathy_monitor', 'sidecar'] });
    expect(instances[0].options.initializationOptions).toMatchObject({ debounceMs: 250 });
    expect(states).toEqual(['starting', 'ready']);
  });

  it('serializes restarts: the old client stops before the next starts', async () => {
    const { sc } = make();
    await sc.restart('first', 0);
    await sc.restart('second', 0);
    expect(instances).toHaveLength(2);
    expect(instances[0].running).toBe(false);
    expect(instances[1].running).toBe(true);
  });

  it('reports reconnecting after a crash and comes back', async () => {
    const { sc, states } = make();
    await sc.restart('start', 0);
    expect(instances[0].crash()).toEqual({ action: 1, handled: true });
    expect(sc.status.state).toBe('reconnecting');
    await vi.waitFor(() => expect(sc.status.state).toBe('ready'), { timeout: 3000 });
    expect(instances).toHaveLength(2);
    expect(states).toEqual(['starting', 'ready', 'reconnecting', 'ready']);
  });

  it('waits for ready before sending a request', async () => {
    const { sc } = make();
    const pending = sc.request('empathy/snapshot', { range: '7d' });
    await expect(pending).resolves.toEqual({ method: 'empathy/snapshot' });
  });

  it('relays notifications', async () => {
    const { sc } = make();
    const updates: unknown[] = [];
    sc.onUpdate((u) => updates.push(u));
    await sc.restart('start', 0);
    instances[0].notifications.get('empathy/didUpdate')?.({ version: 2, baseVersion: 1, changed: {} });
    expect(updates).toEqual([{ version: 2, baseVersion: 1, changed: {} }]);
  });

  it('relays alert notifications', async () => {
    const { sc } = make();
    const fired: unknown[] = [];
    const changed: unknown[] = [];
    sc.onAlertFired((a) => fired.push(a));
    sc.onAlertsChanged((a) => changed.push(a));
    await sc.restart('start', 0);
    instances[0].notifications.get('empathy/didFireAlert')?.({ rule: 'r', level: 'warning' });
    instances[0].notifications.get('empathy/didChangeAlerts')?.({ enabled: true, rules: [] });
    expect(fired).toEqual([{ rule: 'r', level: 'warning' }]);
    expect(changed).toEqual([{ enabled: true, rules: [] }]);
  });

  it('goes to error without an interpreter, and requests fail with the reason', async () => {
    const { sc, states } = make(null);
    await sc.restart('start', 0);
    expect(states).toEqual(['starting', 'error']);
    expect(instances).toHaveLength(0);
    const req = sc.request('empathy/snapshot', {});
    await expect(req).rejects.toThrow('No usable Python interpreter');
  });
});
