import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseWebviewMessage } from '../../extension/src/panel/messages';
import { TelemetryPanel, type PanelDeps } from '../../extension/src/panel/panel';
import { DISMISSED_KEY, SourceOffers } from '../../extension/src/panel/sourceOffers';
import { TelemetryModel } from '../../extension/src/model';
import type { Sidecar } from '../../extension/src/sidecar/client';
import { ConfigurationTarget, EventEmitter, Uri, window, workspace } from './vscode.mock';

function memento(initial: Record<string, unknown> = {}) {
  const data: Record<string, unknown> = { ...initial };
  return {
    data,
    get: <T>(key: string, dflt?: T): T => (key in data ? (data[key] as T) : (dflt as T)),
    update: vi.fn((key: string, value: unknown) => {
      data[key] = value;
      return Promise.resolve();
    }),
  };
}

const RESULT = { source: 'claude-code', label: 'Claude Code', sources: ['codex', 'claude-code'] };

function withConfigUpdate() {
  const update = vi.fn(() => Promise.resolve());
  workspace.getConfiguration.mockReturnValueOnce({ get: <T>(_k: string, d: T) => d, update } as never);
  return update;
}

describe('webview messages of the offer', () => {
  it('accepts a source name and nothing else', () => {
    expect(parseWebviewMessage({ type: 'enableSource', source: 'claude-code' })).toEqual({ type: 'enableSource', source: 'claude-code' });
    expect(parseWebviewMessage({ type: 'dismissOffer', source: 'gemini-cli' })).toEqual({ type: 'dismissOffer', source: 'gemini-cli' });
    for (const source of [undefined, '', 'Claude Code', '../x', 7, 'a'.repeat(65)]) {
      expect(parseWebviewMessage({ type: 'enableSource', source })).toBeUndefined();
      expect(parseWebviewMessage({ type: 'dismissOffer', source })).toBeUndefined();
    }
  });
});

describe('SourceOffers', () => {
  beforeEach(() => {
    workspace.workspaceFolders = undefined;
  });

  it('remembers dismissals in workspaceState, once each, ignoring junk', async () => {
    const m = memento({ [DISMISSED_KEY]: ['codex', 3] });
    const offers = new SourceOffers(m, { request: vi.fn() } as never);
    expect(offers.dismissed()).toEqual(['codex']);
    expect(await offers.dismiss('claude-code')).toEqual(['codex', 'claude-code']);
    expect(await offers.dismiss('claude-code')).toEqual(['codex', 'claude-code']);
    expect(m.data[DISMISSED_KEY]).toEqual(['codex', 'claude-code']);
  });

  it('Show asks the sidecar for the new empathy.sources and writes it to the workspace', async () => {
    workspace.workspaceFolders = [{ uri: Uri.file('/ws'), name: 'ws', index: 0 }];
    const request = vi.fn().mockResolvedValue(RESULT);
    const update = withConfigUpdate();
    const m = memento();
    const res = await new SourceOffers(m, { request } as never).enable('claude-code');
    expect(res).toEqual(RESULT);
    expect(request).toHaveBeenCalledWith('empathy/enableSource', { source: 'claude-code' });
    expect(workspace.getConfiguration).toHaveBeenCalledWith('empathy');
    expect(update).toHaveBeenCalledWith('sources', ['codex', 'claude-code'], ConfigurationTarget.Workspace);
    expect(m.data[DISMISSED_KEY]).toEqual(['claude-code']);
  });

  it('without a folder the user settings get it; a refusal writes nothing', async () => {
    const update = withConfigUpdate();
    await new SourceOffers(memento(), { request: vi.fn().mockResolvedValue(RESULT) } as never).enable('claude-code');
    expect(update).toHaveBeenCalledWith('sources', RESULT.sources, ConfigurationTarget.Global);
    const m = memento();
    const refused = new SourceOffers(m, { request: vi.fn().mockRejectedValue(new Error('unknown source')) } as never);
    await expect(refused.enable('nope')).rejects.toThrow('unknown source');
    expect(m.update).not.toHaveBeenCalled();
  });
});

describe('the panel and the offer', () => {
  function fakePanel() {
    const receive = new EventEmitter<unknown>();
    const disposed = new EventEmitter<void>();
    return {
      webview: { options: {}, cspSource: 'x', asWebviewUri: (u: Uri) => u, postMessage: vi.fn(() => Promise.resolve(true)), onDidReceiveMessage: receive.event, html: '' },
      reveal: vi.fn(),
      dispose: vi.fn(() => disposed.fire()),
      onDidDispose: disposed.event,
      send: (m: unknown) => receive.fire(m),
    };
  }

  it('tells the webview what was answered on ready, and after Show or Dismiss', async () => {
    TelemetryPanel.current?.dispose();
    const panel = fakePanel();
    window.createWebviewPanel.mockReturnValue(panel);
    const sidecar = { status: { state: 'starting' }, onStatus: new EventEmitter().event, onHealth: new EventEmitter().event, onAlertsChanged: new EventEmitter().event, request: vi.fn() };
    let answered = ['codex'];
    const offers = {
      dismissed: () => answered,
      dismiss: vi.fn((s: string) => Promise.resolve((answered = [...answered, s]))),
      enable: vi.fn((s: string) => {
        answered = [...answered, s];
        return Promise.resolve(RESULT);
      }),
    };
    const deps = {
      extensionUri: Uri.file('/ext'),
      model: new TelemetryModel(sidecar as unknown as Sidecar, '7d'),
      sidecar: sidecar as unknown as Sidecar,
      ensureStarted: vi.fn(),
      offers,
    } as unknown as PanelDeps;
    TelemetryPanel.show(deps);
    const posted = () => panel.webview.postMessage.mock.calls.map((c) => (c as unknown[])[0]);
    panel.send({ type: 'ready' });
    await vi.waitFor(() => expect(posted()).toContainEqual({ type: 'offers', dismissed: ['codex'] }));
    panel.send({ type: 'enableSource', source: 'claude-code' });
    await vi.waitFor(() => expect(posted()).toContainEqual({ type: 'offers', dismissed: ['codex', 'claude-code'] }));
    expect(offers.enable).toHaveBeenCalledWith('claude-code');
    expect(posted()).toContainEqual(expect.objectContaining({ type: 'notice', level: 'info', message: expect.stringContaining('Showing Claude Code usage') }));
    panel.send({ type: 'dismissOffer', source: 'gemini-cli' });
    await vi.waitFor(() => expect(posted()).toContainEqual({ type: 'offers', dismissed: ['codex', 'claude-code', 'gemini-cli'] }));
    TelemetryPanel.current?.dispose();
  });
});
