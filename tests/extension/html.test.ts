import { describe, expect, it } from 'vitest';
import { csp, makeNonce, renderHtml } from '../../extension/src/panel/html';
import { Uri } from './vscode.mock';

const webview = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  asWebviewUri: (u: Uri) => Uri.parse(`https://file+.vscode-resource.vscode-cdn.net${u.fsPath}`),
};
const assets = {
  script: Uri.file('/ext/media/webview/assets/index.js'),
  style: Uri.file('/ext/media/webview/assets/index.css'),
  present: true,
};

describe('webview HTML shell', () => {
  it('uses the strict CSP of the contract', () => {
    expect(csp(webview, 'abc')).toBe(
      "default-src 'none'; script-src 'nonce-abc'; style-src https://file+.vscode-resource.vscode-cdn.net; " +
        'img-src https://file+.vscode-resource.vscode-cdn.net data:; font-src https://file+.vscode-resource.vscode-cdn.net',
    );
  });

  it('draws a fresh nonce per render and tags the script with it', () => {
    const a = renderHtml(webview as never, assets as never);
    const b = renderHtml(webview as never, assets as never);
    const nonceOf = (html: string) => /'nonce-([^']+)'/.exec(html)?.[1];
    expect(nonceOf(a)).toBeTruthy();
    expect(nonceOf(a)).not.toBe(nonceOf(b));
    expect(a).toContain(`<script type="module" nonce="${nonceOf(a)}"`);
    expect(a).toContain('assets/index.js');
    expect(a).toContain('assets/index.css');
    expect(a).not.toContain('unsafe-inline');
    expect(a).not.toMatch(/<script(?![^>]*nonce=)/);
  });

  it('nonces are long and alphanumeric', () => {
    const n = makeNonce();
    expect(n).toMatch(/^[A-Za-z0-9]{16,}$/);
  });

  it('says the bundle is missing instead of loading nothing', () => {
    const html = renderHtml(webview as never, { ...assets, present: false } as never);
    expect(html).not.toContain('<script');
    expect(html).toContain('bundle is missing');
  });
});
