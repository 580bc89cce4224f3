import * as path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { TelemetryModel } from '../../extension/src/model';
import { restoredView, TelemetryPanel, type PanelDeps } from '../../extension/src/panel/panel';
import type { Snapshot } from '@protocol';
import type { Sidecar, SidecarStatus } from '../../extension/src/sidecar/client';
import { commands, EventEmitter, Uri, window } from './vscode.mock';

function fakePanel() {
  const receive = new EventEmitter<unknown>();
  const disposed = new EventEmitter<void>();
  let html = '';
  const webview = {
    options: {},
    cspSource: 'vscode-resource:',
    asWebviewUri: (u: Uri) => u,
    postMessage: vi.fn(() => Promise.resolve(true)),
    onDidReceiveMessage: receive.event,
    htmlSets: 0,
    get html() {
      return html;
    },
    set html(v: string) {
      html = v;
      webview.htmlSets += 1;
    },
  };
  return {
    webview,
    reveal: vi.fn(),
    dispose: vi.fn(() => disposed.fire()),
    onDidDispose: disposed.event,
    onDidChangeViewState: new EventEmitter<unknown>().event,
    send: (m: unknown) => receive.fire(m),
  };
}

function fakeSidecar(state: SidecarStatus['state'] = 'ready') {
  const status = new EventEmitter<SidecarStatus>();
  const alerts = new EventEmitter<unknown>();
  return {
    status: { state } as SidecarStatus,
    onStatus: status.event,
    onHealth: new EventEmitter<unknown>().event,
    onAlertsChanged: alerts.event,
    request: vi.fn(),
    fireStatus: (s: SidecarStatus) => status.fire(s),
    fireAlerts: (a: unknown) => alerts.fire(a),
  };
}

const SNAP = { version: 3, overview: { calls: 1 } } as unknown as Snapshot;
const flush = () => new Promise((r) => setTimeout(r, 0));

let panel: ReturnType<typeof fakePanel>;
let sidecar: ReturnType<typeof fakeSidecar>;
let model: TelemetryModel;
let deps: PanelDeps;

beforeEach(() => {
  TelemetryPanel.current?.dispose();
  panel = fakePanel();
  window.createWebviewPanel.mockReturnValue(panel);
  sidecar = fakeSidecar();
  sidecar.request.mockResolvedValue(SNAP);
  model = new TelemetryModel(sidecar as unknown as Sidecar, '7d');
  deps = {
    extensionUri: Uri.file('/ext'),
    model,
    sidecar: sidecar as unknown as Sidecar,
    exportCsv: vi.fn().mockResolvedValue({ path: '/ws/out.csv', rows: 12 }),
    generateDemo: vi.fn().mockResolvedValue(undefined),
    clearHistory: vi.fn().mockResolvedValue({ archiveDir: '/ws/.empathy/archive/cleared-20260101T000000Z', moved: ['llm_calls.jsonl'] }),
    undoClearHistory: vi.fn().mockResolvedValue({ restored: ['llm_calls.jsonl'] }),
    testAlert: vi.fn().mockResolvedValue({ rule: 'Budget', value: 12, threshold: 10, breached: true, message: 'daily_cost 12 > 10.' }),
    openAlertsConfig: vi.fn().mockResolvedValue(undefined),
    addPrice: vi.fn().mockResolvedValue({ opened: true }),
    setBudget: vi.fn().mockResolvedValue(undefined),
    ensureStarted: vi.fn(),
  };
});

describe('TelemetryPanel', () => {
  it('sets its HTML once, limited to media/webview, and starts the sidecar', () => {
    TelemetryPanel.show(deps);
    expect(deps.ensureStarted).toHaveBeenCalled();
    expect(window.createWebviewPanel).toHaveBeenCalledWith('empathy.telemetryPanel', 'Empathy Telemetry', -1, {});
    expect(panel.webview.options).toEqual({
      enableScripts: true,
      localResourceRoots: [Uri.file(path.join('/ext', 'media', 'webview'))],
    });
    expect(panel.webview.htmlSets).toBe(1);
    TelemetryPanel.show(deps);
    expect(panel.reveal).toHaveBeenCalled();
    expect(panel.webview.htmlSets).toBe(1);
  });

  it('replays the last snapshot on ready without asking the sidecar again', async () => {
    await model.refresh();
    TelemetryPanel.show(deps);
    sidecar.request.mockClear();
    panel.send({ type: 'ready' });
    await flush();
    const sent = panel.webview.postMessage.mock.calls.map((c) => (c as unknown[])[0] as { type: string });
    expect(sent.map((m) => m.type)).toEqual(['status', 'uiState', 'snapshot']);
    expect(sent[2]).toEqual({ type: 'snapshot', snapshot: SNAP });
    expect(sidecar.request).not.toHaveBeenCalled();
  });

  it('fetches on ready when there is nothing to replay', async () => {
    TelemetryPanel.show(deps);
    panel.send({ type: 'ready' });
    await vi.waitFor(() =>
      expect(panel.webview.postMessage).toHaveBeenCalledWith({ type: 'snapshot', snapshot: SNAP }),
    );
  });

  it('forwards reconnecting status', () => {
    TelemetryPanel.show(deps);
    sidecar.fireStatus({ state: 'reconnecting', message: 'again' });
    expect(panel.webview.postMessage).toHaveBeenCalledWith({ type: 'status', state: 'reconnecting', message: 'again' });
  });

  it('ignores invalid messages', async () => {
    TelemetryPanel.show(deps);
    panel.send({ type: 'openFile', path: 42, line: 1 });
    panel.send({ type: 'exportCsv', extra: true, then: 'x' });
    await flush();
    expect(window.showTextDocument).not.toHaveBeenCalled();
    expect(deps.exportCsv).toHaveBeenCalledOnce();
  });

  it('refuses a forged openFile outside the workspace', async () => {
    TelemetryPanel.show(deps);
    panel.send({ type: 'openFile', path: '/etc/passwd', line: 1 });
    await vi.waitFor(() =>
      expect(panel.webview.postMessage).toHaveBeenCalledWith(
        expect.objectContaining({ type: 'notice', level: 'info' }),
      ),
    );
    expect(window.showTextDocument).not.toHaveBeenCalled();
  });

  it('relays a page of activity and the export result', async () => {
    TelemetryPanel.show(deps);
    sidecar.request.mockResolvedValueOnce({ rows: [], total: 40, offset: 20 });
    panel.send({ type: 'loadMore', offset: 20, limit: 20, filters: { tier: 'cheap' } });
    await vi.waitFor(() =>
      expect(panel.webview.postMessage).toHaveBeenCalledWith({ type: 'activityPage', rows: [], total: 40, offset: 20 }),
    );
    expect(sidecar.request).toHaveBeenCalledWith('empathy/activity', { offset: 20, limit: 20, filters: { tier: 'cheap' } });
    panel.send({ type: 'exportCsv' });
    await vi.waitFor(() =>
      expect(panel.webview.postMessage).toHaveBeenCalledWith({ type: 'exported', path: '/ws/out.csv', rows: 12 }),
    );
  });

  it("asks for activity pages in the view's own cost mode, so the rows match the cards", async () => {
    TelemetryPanel.show(deps);
    panel.send({ type: 'setView', range: '7d', filters: {}, costMode: 'list' });
    await flush();
    sidecar.request.mockResolvedValueOnce({ rows: [], total: 0, offset: 0 });
    panel.send({ type: 'loadMore', offset: 0, limit: 20, filters: {} });
    await vi.waitFor(() =>
      expect(sidecar.request).toHaveBeenCalledWith('empathy/activity', { offset: 0, limit: 20, filters: {}, cost_mode: 'list' }),
    );
  });

  it('turns a failing action into an error notice', async () => {
    TelemetryPanel.show(deps);
    sidecar.request.mockRejectedValueOnce(new Error('sidecar gone'));
    panel.send({ type: 'loadMore', offset: 0, limit: 20, filters: {} });
    await vi.waitFor(() =>
      expect(panel.webview.postMessage).toHaveBeenCalledWith({ type: 'notice', level: 'error', message: 'sidecar gone' }),
    );
  });

  it('setView asks for the new view', async () => {
    TelemetryPanel.show(deps);
    panel.send({ type: 'setView', range: '30d', filters: { provider: 'openai' } });
    await flush();
    expect(model.view).toEqual({ range: '30d', filters: { provider: 'openai' } });
    expect(sidecar.request).toHaveBeenCalledWith('empathy/snapshot', { range: '30d', filters: { provider: 'openai' } });
  });
});

describe('round 2 controls', () => {
  const posted = () => panel.webview.postMessage.mock.calls.map((c) => (c as unknown[])[0]);

  it('Clear History runs the confirm-and-move flow; the panel itself posts nothing', async () => {
    TelemetryPanel.show(deps);
    panel.send({ type: 'clearHistory' });
    await vi.waitFor(() => expect(deps.clearHistory).toHaveBeenCalledOnce());
    expect(posted()).toEqual([]);
  });

  it('Undo passes the archive folder on', async () => {
    TelemetryPanel.show(deps);
    panel.send({ type: 'undoClearHistory', archiveDir: '/ws/.empathy/archive/cleared-x' });
    await vi.waitFor(() => expect(deps.undoClearHistory).toHaveBeenCalledWith('/ws/.empathy/archive/cleared-x'));
  });

  it('clearFeed is view-only: nothing goes to the sidecar', async () => {
    TelemetryPanel.show(deps);
    sidecar.request.mockClear();
    panel.send({ type: 'clearFeed' });
    await flush();
    expect(sidecar.request).not.toHaveBeenCalled();
    expect(posted()).toEqual([]);
  });

  it('Refresh forces a re-read, reports its time and record count, then re-fetches the view', async () => {
    TelemetryPanel.show(deps);
    sidecar.request.mockResolvedValueOnce({ durationMs: 42, records: 401 });
    panel.send({ type: 'refreshAll' });
    await vi.waitFor(() => expect(posted()).toContainEqual({ type: 'refreshed', durationMs: 42, records: 401 }));
    expect(sidecar.request).toHaveBeenNthCalledWith(1, 'empathy/refresh', {});
    await vi.waitFor(() => expect(sidecar.request).toHaveBeenCalledWith('empathy/snapshot', { range: '7d', filters: {} }));
  });

  it('Settings opens the settings UI filtered to this extension', async () => {
    TelemetryPanel.show(deps);
    panel.send({ type: 'openSettings' });
    await vi.waitFor(() =>
      expect(commands.executeCommand).toHaveBeenCalledWith('workbench.action.openSettings', '@ext:empathy.empathy-telemetry'),
    );
  });

  it('relays alert changes and runs Test / Open config for the strip', async () => {
    TelemetryPanel.show(deps);
    const status = { enabled: true, configPath: '/ws/.empathy/alerts.yaml', rules: [], errors: [], failingChannels: [] };
    sidecar.fireAlerts(status);
    expect(posted()).toContainEqual({ type: 'alerts', alerts: status });
    panel.send({ type: 'testAlert', rule: 'Budget' });
    await vi.waitFor(() =>
      expect(posted()).toContainEqual({
        type: 'notice',
        level: 'info',
        message: 'Test of "Budget": would fire. daily_cost 12 > 10. Nothing was sent.',
      }),
    );
    expect(deps.testAlert).toHaveBeenCalledWith('Budget');
    panel.send({ type: 'openAlertsConfig' });
    await vi.waitFor(() => expect(deps.openAlertsConfig).toHaveBeenCalledOnce());
  });

  it('relays budget pushes (kept in the replayed snapshot) and runs Set budget… for the strip', async () => {
    await model.refresh();
    TelemetryPanel.show(deps);
    const budgets = { exists: true, config_path: '/ws/.empathy/budgets.yaml', budgets: [], errors: [], status_text: null, can_fire: true, anomalies: [] };
    model.applyBudgets(budgets);
    expect(posted()).toContainEqual({ type: 'budgets', budgets });
    panel.send({ type: 'ready' });
    await flush();
    expect(posted()).toContainEqual({ type: 'snapshot', snapshot: { ...SNAP, budgets } });
    panel.send({ type: 'setBudget' });
    await vi.waitFor(() => expect(deps.setBudget).toHaveBeenCalledOnce());
  });
});

describe('openSource from the panel', () => {
  it('opens a call without a workflow by its callId', async () => {
    TelemetryPanel.show(deps);
    sidecar.request.mockResolvedValueOnce({ uri: null, reason: 'no source recorded' });
    panel.send({ type: 'openSource', workflowName: null, callId: 'c2' });
    await vi.waitFor(() => expect(sidecar.request).toHaveBeenCalledWith('empathy/resolveSource', { callId: 'c2' }));
  });

  it('sends only the contract keys to the sidecar', async () => {
    TelemetryPanel.show(deps);
    sidecar.request.mockResolvedValueOnce({ uri: null, reason: 'nothing recorded' });
    panel.send({ type: 'openSource', workflowName: 'code-review', stepName: 'scan', callId: 'c1' });
    await vi.waitFor(() =>
      expect(sidecar.request).toHaveBeenCalledWith('empathy/resolveSource', {
        workflowName: 'code-review',
        stepName: 'scan',
        callId: 'c1',
      }),
    );
    await vi.waitFor(() =>
      expect(panel.webview.postMessage).toHaveBeenCalledWith({
        type: 'notice',
        level: 'info',
        message: 'No source found for workflow "code-review": nothing recorded',
      }),
    );
  });
});

describe('restoredView', () => {
  it('accepts only a well-formed saved state', () => {
    expect(restoredView({ range: 'all', filters: { tier: 'cheap' }, other: 1 })).toEqual({ range: 'all', filters: { tier: 'cheap' } });
    expect(restoredView({ range: 'forever' })).toBeUndefined();
    expect(restoredView(null)).toBeUndefined();
  });
});

describe('prices (issue 13)', () => {
  const posted = () => panel.webview.postMessage.mock.calls.map((c) => (c as unknown[])[0]);

  it('setView with a cost mode asks the sidecar for that mode, and the next ready restores it', async () => {
    TelemetryPanel.show(deps);
    panel.send({ type: 'setView', range: '7d', filters: {}, costMode: 'list' });
    await flush();
    expect(model.view).toEqual({ range: '7d', filters: {}, costMode: 'list' });
    expect(sidecar.request).toHaveBeenCalledWith('empathy/snapshot', { range: '7d', filters: {}, cost_mode: 'list' });
    panel.send({ type: 'ready' });
    await flush();
    expect(posted()).toContainEqual({ type: 'uiState', range: '7d', filters: {}, costMode: 'list' });
    // Back to the workspace's mode: the param is left out again.
    panel.send({ type: 'setView', range: '7d', filters: {} });
    await flush();
    expect(model.view).toEqual({ range: '7d', filters: {} });
    expect(sidecar.request).toHaveBeenLastCalledWith('empathy/snapshot', { range: '7d', filters: {} });
  });

  it('addPrice goes to the extension with the validated model; a refusal becomes a notice', async () => {
    TelemetryPanel.show(deps);
    panel.send({ type: 'addPrice', model: 'acme-9000', provider: 'acme' });
    await vi.waitFor(() => expect(deps.addPrice).toHaveBeenCalledWith('acme-9000', 'acme'));
    vi.mocked(deps.addPrice).mockResolvedValueOnce({ opened: false, message: 'Not opened: /x is not a file inside this workspace.' });
    panel.send({ type: 'addPrice', model: 'acme-9000' });
    await vi.waitFor(() =>
      expect(posted()).toContainEqual({ type: 'notice', level: 'info', message: 'Not opened: /x is not a file inside this workspace.' }),
    );
    panel.send({ type: 'addPrice', model: 'a\nfree: true' });
    await flush();
    expect(deps.addPrice).toHaveBeenCalledTimes(2);
  });

  it('restoredView keeps a saved cost mode and drops an unknown one', () => {
    expect(restoredView({ range: '7d', filters: {}, costMode: 'writer' })).toEqual({ range: '7d', filters: {}, costMode: 'writer' });
    expect(restoredView({ range: '7d', filters: {}, costMode: 'cheapest' })).toEqual({ range: '7d', filters: {} });
  });
});

describe('dimensionValues', () => {
  it('relays a dimension search to the sidecar and its answer to the webview', async () => {
    TelemetryPanel.show(deps);
    const answer = { dimension: 'session', values: [{ value: 's-0400', calls: 9, cost: 1.5 }], total: 111 };
    sidecar.request.mockResolvedValueOnce(answer);
    panel.send({ type: 'dimensionValues', dimension: 'session', prefix: 's-04', limit: 50 });
    await vi.waitFor(() =>
      expect(panel.webview.postMessage).toHaveBeenCalledWith({ type: 'dimensionValues', prefix: 's-04', ...answer }),
    );
    expect(sidecar.request).toHaveBeenCalledWith('empathy/dimensionValues', { dimension: 'session', prefix: 's-04', limit: 50 });
  });
});
