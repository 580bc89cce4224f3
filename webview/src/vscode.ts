/**
 * The one place that touches `acquireVsCodeApi()`; tests replace it with `setVsCodeApi`.
 *
 * `setState` holds only UI state (range, filters, table toggles), never data: the extension replays
 * the last snapshot when the webview posts `ready`.
 */
import type { WebviewMessage } from './protocol';

export interface VsCodeApi<S = unknown> {
  postMessage(message: WebviewMessage): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare global {
  // Provided by VS Code inside a webview; absent in tests and plain browsers.
  function acquireVsCodeApi(): VsCodeApi;
}

let api: VsCodeApi | undefined;

/** A stand-in outside VS Code (e.g. a plain browser while developing): logs and keeps state in memory. */
function createDetachedApi(): VsCodeApi {
  let state: unknown;
  return {
    postMessage: (message) => console.info('[empathy] postMessage (no VS Code host)', message),
    getState: () => state,
    setState: (next) => {
      state = next;
    },
  };
}

export function getVsCodeApi(): VsCodeApi {
  // acquireVsCodeApi may be called only once per webview, hence the cache.
  api ??= typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : createDetachedApi();
  return api;
}

/** Tests: install a mock (or `undefined` to reset). */
export function setVsCodeApi(mock: VsCodeApi | undefined): void {
  api = mock;
}
