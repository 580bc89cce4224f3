import { afterEach, describe, expect, it, vi } from 'vitest';
import { getVsCodeApi, setVsCodeApi } from '../../webview/src/vscode';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  setVsCodeApi(undefined);
});

describe('vscode wrapper', () => {
  it('acquires the host API once', () => {
    const host = { postMessage: vi.fn(), getState: vi.fn(), setState: vi.fn() };
    const acquire = vi.fn(() => host);
    vi.stubGlobal('acquireVsCodeApi', acquire);
    expect(getVsCodeApi()).toBe(host);
    expect(getVsCodeApi()).toBe(host);
    expect(acquire).toHaveBeenCalledTimes(1);
  });

  it('falls back to an in-memory stand-in outside VS Code', () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const api = getVsCodeApi();
    api.setState({ range: 'all' });
    expect(api.getState()).toEqual({ range: 'all' });
    api.postMessage({ type: 'ready' });
    expect(info).toHaveBeenCalledOnce();
  });
});
