// The panel relays the extension's set-up state to the webview and its buttons back.
import { describe, expect, it, vi } from 'vitest';
import { TelemetryModel } from '../../extension/src/model';
import { TelemetryPanel, type PanelDeps } from '../../extension/src/panel/panel';
import { cancelledState, installingState, type SetupView } from '../../extension/src/setup/state';
import type { Sidecar } from '../../extension/src/sidecar/client';
import { EventEmitter, Uri, window } from './vscode.mock';

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('panel and the set-up state', () => {
  it('replays the state on ready, posts each change, and passes the buttons to the controller', async () => {
    const receive = new EventEmitter<unknown>();
    const webview = { options: {}, cspSource: 'x', asWebviewUri: (u: Uri) => u, postMessage: vi.fn(() => Promise.resolve(true)), onDidReceiveMessage: receive.event, html: '' };
    window.createWebviewPanel.mockReturnValue({ webview, reveal: vi.fn(), dispose: vi.fn(), onDidDispose: new EventEmitter<void>().event } as never);
    const sidecar = { status: { state: 'error' }, onStatus: new EventEmitter().event, onHealth: new EventEmitter().event, onAlertsChanged: new EventEmitter().event, request: vi.fn() };
    const states = new EventEmitter<SetupView | undefined>();
    const setup = { state: cancelledState() as SetupView | undefined, onState: states.event, act: vi.fn(async () => undefined) };
    const deps = {
      extensionUri: Uri.file('/ext'),
      model: new TelemetryModel(sidecar as unknown as Sidecar, '7d'),
      sidecar: sidecar as unknown as Sidecar,
      ensureStarted: vi.fn(),
      setup,
    } as unknown as PanelDeps;
    TelemetryPanel.show(deps);
    receive.fire({ type: 'ready' });
    await flush();
    expect(webview.postMessage).toHaveBeenCalledWith({ type: 'setup', setup: cancelledState() });
    const installing = installingState('Step 1 of 2: creating the environment', 'create');
    states.fire(installing);
    expect(webview.postMessage).toHaveBeenCalledWith({ type: 'setup', setup: installing });
    states.fire(undefined);
    expect(webview.postMessage).toHaveBeenLastCalledWith({ type: 'setup', setup: null });
    receive.fire({ type: 'setupAction', action: 'createEnv' });
    await flush();
    expect(setup.act).toHaveBeenCalledWith('createEnv');
    TelemetryPanel.current?.dispose();
  });
});
