/** Test helpers: render the App with a recording VS Code API and deliver extension messages. */
import { act, render } from '@testing-library/react';
import { vi } from 'vitest';
import { App } from '../../../webview/src/App';
import type { WebviewMessage } from '../../../webview/src/protocol';
import type { VsCodeApi } from '../../../webview/src/vscode';

export interface MockVsCode extends VsCodeApi {
  posted: WebviewMessage[];
  state: unknown;
}

export function mockVsCode(initialState?: unknown): MockVsCode {
  const mock: MockVsCode = {
    posted: [],
    state: initialState,
    postMessage: vi.fn((m: WebviewMessage) => {
      mock.posted.push(m);
    }),
    getState: vi.fn(() => mock.state),
    setState: vi.fn((s: unknown) => {
      mock.state = s;
    }),
  };
  return mock;
}

export function renderApp(initialState?: unknown) {
  const vscode = mockVsCode(initialState);
  const utils = render(<App vscode={vscode} />);
  return { vscode, ...utils };
}

/** Deliver a message exactly as VS Code does: a `message` event on window. */
export function send(data: unknown): void {
  act(() => {
    window.dispatchEvent(new MessageEvent('message', { data }));
  });
}

export function lastPosted(vscode: MockVsCode): WebviewMessage | undefined {
  return vscode.posted[vscode.posted.length - 1];
}
