/**
 * The extension and the webview each declare the messages they exchange (each binds the snapshot
 * types to its own protocol module). This test keeps the two declarations in step: a message
 * renamed or reshaped on one side only fails here instead of being dropped at runtime.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..', '..'); // the repository root
const extension = readFileSync(resolve(root, 'extension/src/panel/messages.ts'), 'utf8');
const webview = readFileSync(resolve(root, 'webview/src/messages.ts'), 'utf8');

/** The members of `export type NAME = | {...} | ...;`, comments and whitespace removed. */
function union(source: string, name: string): string[] {
  const start = source.indexOf(`export type ${name} =`);
  expect(start, `${name} is declared`).toBeGreaterThanOrEqual(0);
  const body = source.slice(start + `export type ${name} =`.length, source.indexOf(';\n', start));
  return body
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/\s+/g, '')
    .replace(/PanelStatus|ConnectionState/g, 'Status')
    .split(/\|(?=[({])/)
    .filter(Boolean)
    .sort();
}

describe('extension <-> webview message declarations', () => {
  it('extension -> webview messages match', () => {
    expect(union(webview, 'IncomingMessage')).toEqual(union(extension, 'ExtensionMessage'));
  });
  it('webview -> extension messages match', () => {
    expect(union(webview, 'OutgoingMessage')).toEqual(union(extension, 'WebviewMessage'));
  });
  it('the comparison sees every message', () => {
    expect(union(extension, 'WebviewMessage').length).toBeGreaterThanOrEqual(15);
    expect(union(extension, 'ExtensionMessage').length).toBeGreaterThanOrEqual(12);
  });
});
