/** The webview's HTML shell: strict CSP, a fresh nonce per render, the bundled app. */
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function csp(webview: Pick<vscode.Webview, 'cspSource'>, nonce: string): string {
  const src = webview.cspSource;
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${src}`,
    `img-src ${src} data:`,
    `font-src ${src}`,
  ].join('; ');
}

export interface ShellAssets {
  script: vscode.Uri;
  style: vscode.Uri;
  /** False when media/webview was not built; the shell then says so instead of loading nothing. */
  present: boolean;
}

export function renderHtml(
  webview: Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>,
  assets: ShellAssets,
  nonce = makeNonce(),
): string {
  const body = assets.present
    ? `<div id="root"></div>\n  <script type="module" nonce="${nonce}" src="${webview.asWebviewUri(assets.script).toString()}"></script>`
    : '<p>The panel\'s web bundle is missing from this build (media/webview). Run scripts/build_vsix.</p>';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp(webview, nonce)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${webview.asWebviewUri(assets.style).toString()}">
  <title>Empathy Telemetry</title>
</head>
<body>
  ${body}
</body>
</html>`;
}
