/** Issue 13's webview messages: the view's cost mode and "Add a price", checked like every other. */
import { describe, expect, it } from 'vitest';
import { parseWebviewMessage } from '../../extension/src/panel/messages';
import { MAX_MODEL_ID } from '../../extension/src/prices';

describe('setView with a cost mode', () => {
  it.each(['auto', 'writer', 'list'])('accepts costMode %s', (costMode) => {
    expect(parseWebviewMessage({ type: 'setView', range: '7d', filters: {}, costMode })).toEqual({ type: 'setView', range: '7d', filters: {}, costMode });
  });

  it('leaves an absent or null costMode out (the workspace mode)', () => {
    expect(parseWebviewMessage({ type: 'setView', range: '7d', filters: {} })).toEqual({ type: 'setView', range: '7d', filters: {} });
    expect(parseWebviewMessage({ type: 'setView', range: '7d', filters: {}, costMode: null })).toEqual({ type: 'setView', range: '7d', filters: {} });
  });

  it.each(['actual', 'LIST', '', 3, ['list'], { mode: 'list' }])('rejects costMode %j', (costMode) => {
    expect(parseWebviewMessage({ type: 'setView', range: '7d', filters: {}, costMode })).toBeUndefined();
  });
});

describe('addPrice', () => {
  it('accepts a model id, with a provider when given, and drops extra keys', () => {
    expect(parseWebviewMessage({ type: 'addPrice', model: 'acme-9000', provider: 'acme', path: '/etc/passwd' })).toEqual({
      type: 'addPrice',
      model: 'acme-9000',
      provider: 'acme',
    });
    expect(parseWebviewMessage({ type: 'addPrice', model: 'acme-9000', provider: null })).toEqual({ type: 'addPrice', model: 'acme-9000' });
    expect(parseWebviewMessage({ type: 'addPrice', model: 'acme-9000', provider: '' })).toEqual({ type: 'addPrice', model: 'acme-9000' });
    // HTML in a model id is data; it is written to YAML by the sidecar, never rendered.
    expect(parseWebviewMessage({ type: 'addPrice', model: '<img src=x>' })).toEqual({ type: 'addPrice', model: '<img src=x>' });
  });

  it.each([
    { type: 'addPrice' },
    { type: 'addPrice', model: '' },
    { type: 'addPrice', model: '  ' },
    { type: 'addPrice', model: 7 },
    { type: 'addPrice', model: 'x'.repeat(MAX_MODEL_ID + 1) },
    { type: 'addPrice', model: 'gpt-4o\n  free: true' },
    { type: 'addPrice', model: 'gpt-4o', provider: 'a\nb' },
    { type: 'addPrice', model: 'gpt-4o', provider: 5 },
  ])('rejects %j', (raw) => {
    expect(parseWebviewMessage(raw)).toBeUndefined();
  });
});
