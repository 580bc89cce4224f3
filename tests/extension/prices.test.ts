import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { exportCsv } from '../../extension/src/commands';
import { TelemetryModel, viewParams } from '../../extension/src/model';
import { addPrice, isModelId, MAX_MODEL_ID } from '../../extension/src/prices';
import { Uri, window, workspace } from './vscode.mock';

let tmp: string;
let ws: string;
let yaml: string;

beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'empathy-prices-')));
  ws = path.join(tmp, 'ws');
  fs.mkdirSync(path.join(ws, '.empathy'), { recursive: true });
  yaml = path.join(ws, '.empathy', 'prices.yaml');
  workspace.workspaceFolders = [{ uri: Uri.file(ws), name: 'ws', index: 0 }];
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  workspace.workspaceFolders = undefined;
});
beforeEach(() => {
  window.showTextDocument.mockClear();
});

/** What the sidecar does for `empathy/addPrice`: writes the stub, answers where it is. */
function sidecarWriting(file: string, line: number) {
  return vi.fn(async (_method: string, params: { model: string }) => {
    fs.writeFileSync(file, `prices:\n  - model: ${params.model}\n    input: 0.0\n`);
    return { path: file, line };
  });
}

describe('isModelId', () => {
  it('accepts model ids and refuses what could break a YAML line', () => {
    expect(isModelId('gpt-4o')).toBe(true);
    expect(isModelId('accounts/fireworks/models/llama-v3p1-8b')).toBe(true);
    expect(isModelId('x'.repeat(MAX_MODEL_ID))).toBe(true);
    for (const bad of ['', '   ', 'x'.repeat(MAX_MODEL_ID + 1), 'a\nb', 'a\rb', 'a\u0000b', 'a\u2028b', 42, null, undefined, ['gpt-4o']]) {
      expect(isModelId(bad)).toBe(false);
    }
  });
});

describe('addPrice', () => {
  it('asks the sidecar for the stub, then opens prices.yaml at its line', async () => {
    const request = sidecarWriting(yaml, 2);
    const ensureStarted = vi.fn();
    const res = await addPrice({ sidecar: { request } as never, ensureStarted }, 'acme-9000', 'acme');
    expect(ensureStarted).toHaveBeenCalled();
    expect(request).toHaveBeenCalledWith('empathy/addPrice', { model: 'acme-9000', provider: 'acme' });
    expect(res).toEqual({ opened: true });
    const [doc, opts] = window.showTextDocument.mock.calls.at(-1) as unknown as [{ uri: Uri }, { selection: { start: { line: number } } }];
    expect(doc.uri.fsPath).toBe(yaml);
    expect(opts.selection.start.line).toBe(1);
  });

  it('leaves the provider out when the panel does not know it', async () => {
    const request = sidecarWriting(yaml, 2);
    await addPrice({ sidecar: { request } as never, ensureStarted: vi.fn() }, 'acme-9000');
    expect(request).toHaveBeenCalledWith('empathy/addPrice', { model: 'acme-9000' });
  });

  it('opens nothing outside the workspace, whatever the answer says', async () => {
    const outside = path.join(tmp, 'prices.yaml');
    const request = sidecarWriting(outside, 1);
    const res = await addPrice({ sidecar: { request } as never, ensureStarted: vi.fn() }, 'acme-9000');
    expect(res.opened).toBe(false);
    expect(res.message).toContain('not a file inside this workspace');
    expect(window.showTextDocument).not.toHaveBeenCalled();
  });
});

describe('the view’s cost mode reaches every request of the view', () => {
  it('Export CSV writes the cost column in the view’s mode, and leaves it out when the view follows the workspace', async () => {
    const request = vi.fn().mockResolvedValue({ path: path.join(ws, 'out.csv'), rows: 3 });
    const sidecar = { request } as never;
    const model = new TelemetryModel(sidecar, '7d');
    const d = { model, sidecar, openPanel: vi.fn(), ensureStarted: vi.fn() };
    model.view = { range: '7d', filters: {}, costMode: 'list' };
    window.showSaveDialog.mockResolvedValueOnce(Uri.file(path.join(ws, 'out.csv')) as never);
    await exportCsv(d);
    expect(request).toHaveBeenLastCalledWith('empathy/exportCsv', { range: '7d', filters: {}, cost_mode: 'list', path: path.join(ws, 'out.csv') });
    model.view = { range: '7d', filters: {} };
    window.showSaveDialog.mockResolvedValueOnce(Uri.file(path.join(ws, 'out.csv')) as never);
    await exportCsv(d);
    expect(request).toHaveBeenLastCalledWith('empathy/exportCsv', { range: '7d', filters: {}, path: path.join(ws, 'out.csv') });
  });

  it('viewParams sends cost_mode only for a view with its own mode', () => {
    expect(viewParams({ range: '30d', filters: { tier: 'cheap' }, costMode: 'writer' })).toEqual({ range: '30d', filters: { tier: 'cheap' }, cost_mode: 'writer' });
    expect(viewParams({ range: '30d', filters: {} })).toEqual({ range: '30d', filters: {} });
  });
});
