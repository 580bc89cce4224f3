import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { insideWorkspace, isWithin, openFileAt, openSource } from '../../extension/src/panel/openSource';
import { Uri, ViewColumn, window, workspace } from './vscode.mock';

let tmp: string;
let ws: string;
let outside: string;

beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'empathy-open-')));
  ws = path.join(tmp, 'ws');
  outside = path.join(tmp, 'outside');
  fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(ws, 'src', 'flow.py'), 'a\nb\nc\n');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'x');
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(ws, 'link.txt'));
  workspace.workspaceFolders = [{ uri: Uri.file(ws), name: 'ws', index: 0 }];
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  workspace.workspaceFolders = undefined;
});

describe('workspace guard', () => {
  it('isWithin is strict about prefixes and parents', () => {
    expect(isWithin('/a/ws', '/a/ws/x.py')).toBe(true);
    expect(isWithin('/a/ws', '/a/ws2/x.py')).toBe(false);
    expect(isWithin('/a/ws', '/a/ws/../x.py')).toBe(false);
    expect(isWithin('/a/ws', '/a/ws')).toBe(false);
  });

  it('accepts real files inside the workspace only', async () => {
    expect(await insideWorkspace(path.join(ws, 'src', 'flow.py'), [ws])).toBe(path.join(ws, 'src', 'flow.py'));
    expect(await insideWorkspace(path.join(outside, 'secret.txt'), [ws])).toBeUndefined();
    expect(await insideWorkspace(path.join(ws, 'src', '..', '..', 'outside', 'secret.txt'), [ws])).toBeUndefined();
    expect(await insideWorkspace('src/flow.py', [ws])).toBeUndefined();
    expect(await insideWorkspace(path.join(ws, 'missing.py'), [ws])).toBeUndefined();
  });

  it('follows symlinks before deciding', async () => {
    expect(await insideWorkspace(path.join(ws, 'link.txt'), [ws])).toBeUndefined();
  });
});

describe('openFileAt', () => {
  it('opens beside the panel at the 1-based line', async () => {
    const res = await openFileAt(path.join(ws, 'src', 'flow.py'), 3);
    expect(res).toEqual({ opened: true });
    const [, opts] = window.showTextDocument.mock.calls.at(-1) as unknown as [unknown, { viewColumn: number; selection: { start: { line: number } } }];
    expect(opts.viewColumn).toBe(ViewColumn.Beside);
    expect(opts.selection.start.line).toBe(2);
  });

  it('refuses a forged path outside the workspace', async () => {
    window.showTextDocument.mockClear();
    const res = await openFileAt('/etc/passwd', 1);
    expect(res.opened).toBe(false);
    expect(res.message).toContain('not a file inside this workspace');
    expect(window.showTextDocument).not.toHaveBeenCalled();
  });

  it('accepts file:// URIs', async () => {
    const res = await openFileAt(`file://${path.join(ws, 'src', 'flow.py')}`, 1);
    expect(res.opened).toBe(true);
  });
});

describe('openSource', () => {
  it('says clearly when the sidecar found nothing', async () => {
    const sidecar = { request: vi.fn().mockResolvedValue({ uri: null, reason: 'no source_file recorded' }) };
    const res = await openSource(sidecar, { workflowName: 'code-review' });
    expect(sidecar.request).toHaveBeenCalledWith('empathy/resolveSource', { workflowName: 'code-review' });
    expect(res).toEqual({ opened: false, message: 'No source found for workflow "code-review": no source_file recorded' });
  });

  it('opens what the sidecar resolved', async () => {
    const file = path.join(ws, 'src', 'flow.py');
    const sidecar = { request: vi.fn().mockResolvedValue({ uri: file, line: 2 }) };
    expect(await openSource(sidecar, { workflowName: 'w', callId: 'c' })).toEqual({ opened: true });
  });

  it('refuses what the sidecar resolved outside the workspace', async () => {
    const sidecar = { request: vi.fn().mockResolvedValue({ uri: path.join(outside, 'secret.txt'), line: 1 }) };
    expect((await openSource(sidecar, { workflowName: 'w' })).opened).toBe(false);
  });
  it('resolves a call without a workflow by callId alone, leaving workflowName out', async () => {
    const sidecar = { request: vi.fn().mockResolvedValue({ uri: null, reason: 'the call names no source' }) };
    const res = await openSource(sidecar, { workflowName: null, callId: 'c7' });
    expect(sidecar.request).toHaveBeenCalledWith('empathy/resolveSource', { callId: 'c7' });
    expect(res).toEqual({ opened: false, message: 'No source found for this call: the call names no source' });
  });

  it('asks nothing when there is neither a workflow nor a call', async () => {
    const sidecar = { request: vi.fn() };
    expect((await openSource(sidecar, {})).opened).toBe(false);
    expect(sidecar.request).not.toHaveBeenCalled();
  });
});
