import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CLEAR_BUTTON, CLEAR_DETAIL, CLEAR_TITLE, displayPath, History } from '../../extension/src/history';
import { Uri, window, workspace } from './vscode.mock';

const ARCHIVE = '/ws/.empathy/archive/cleared-20260102T030405Z';
const flush = () => new Promise((r) => setTimeout(r, 0));

let request: ReturnType<typeof vi.fn>;
let onChanged: ReturnType<typeof vi.fn>;
let history: History;

beforeEach(() => {
  request = vi.fn(async (method: string) =>
    method === 'empathy/clearHistory'
      ? { archiveDir: ARCHIVE, moved: ['/ws/.empathy/llm_calls.jsonl', '/ws/.empathy/workflow_runs.jsonl'] }
      : { restored: ['/ws/.empathy/llm_calls.jsonl', '/ws/.empathy/workflow_runs.jsonl'] },
  );
  onChanged = vi.fn();
  history = new History({ sidecar: { request }, ensureStarted: vi.fn(), onChanged });
  workspace.workspaceFolders = [{ uri: Uri.file('/ws'), name: 'ws', index: 0 }];
});

describe('Clear History', () => {
  it('says exactly what happens in a modal before anything moves', async () => {
    await history.clear();
    expect(window.showWarningMessage).toHaveBeenCalledWith(CLEAR_TITLE, { modal: true, detail: CLEAR_DETAIL }, CLEAR_BUTTON);
    expect(CLEAR_DETAIL).toContain('moved, never deleted');
    expect(CLEAR_DETAIL).toContain('.empathy/archive/cleared-<UTC timestamp>/');
    expect(CLEAR_DETAIL).toContain('Writers keep appending to fresh files');
    expect(CLEAR_DETAIL).toContain('the panel starts empty');
    expect(CLEAR_DETAIL).toContain('Undo restores them');
    expect(request).not.toHaveBeenCalled();
    expect(onChanged).not.toHaveBeenCalled();
  });

  it('clears after confirmation, refreshes the panel and offers Undo', async () => {
    window.showWarningMessage.mockResolvedValueOnce(CLEAR_BUTTON as never);
    const res = await history.clear();
    expect(res?.archiveDir).toBe(ARCHIVE);
    expect(request).toHaveBeenCalledWith('empathy/clearHistory', {});
    expect(onChanged).toHaveBeenCalledExactlyOnceWith({
      type: 'historyCleared',
      archiveDir: ARCHIVE,
      moved: ['/ws/.empathy/llm_calls.jsonl', '/ws/.empathy/workflow_runs.jsonl'],
    });
    expect(window.showInformationMessage).toHaveBeenCalledWith(
      'Empathy Telemetry: moved 2 telemetry files to .empathy/archive/cleared-20260102T030405Z. The panel starts empty.',
      'Undo',
    );
    expect(history.isKnownArchive(ARCHIVE)).toBe(true);
  });

  it('Undo in the notification restores the files', async () => {
    window.showWarningMessage.mockResolvedValueOnce(CLEAR_BUTTON as never);
    window.showInformationMessage.mockResolvedValueOnce('Undo' as never);
    await history.clear();
    await vi.waitFor(() => expect(request).toHaveBeenCalledWith('empathy/undoClearHistory', { archiveDir: ARCHIVE }));
    await vi.waitFor(() => expect(window.showInformationMessage).toHaveBeenCalledWith('Empathy Telemetry: restored 2 telemetry files.'));
    expect(onChanged).toHaveBeenCalledTimes(2);
    expect(onChanged).toHaveBeenLastCalledWith({
      type: 'historyRestored',
      archiveDir: ARCHIVE,
      restored: ['/ws/.empathy/llm_calls.jsonl', '/ws/.empathy/workflow_runs.jsonl'],
    });
    expect(history.isKnownArchive(ARCHIVE)).toBe(false);
  });

  it('a failing Undo is reported, not thrown away', async () => {
    window.showWarningMessage.mockResolvedValueOnce(CLEAR_BUTTON as never);
    window.showInformationMessage.mockResolvedValueOnce('Undo' as never);
    request.mockImplementation(async (method: string) => {
      if (method === 'empathy/undoClearHistory') throw new Error('disk full');
      return { archiveDir: ARCHIVE, moved: [] };
    });
    await history.clear();
    await vi.waitFor(() => expect(window.showErrorMessage).toHaveBeenCalledWith('Empathy Telemetry: Undo failed: disk full'));
  });

  it('refuses to restore a folder this session did not create (a forged webview message)', async () => {
    expect(await history.undo('/etc')).toBeUndefined();
    await flush();
    expect(request).not.toHaveBeenCalled();
    expect(window.showWarningMessage).toHaveBeenCalledWith('Empathy Telemetry: /etc is not a history this session cleared.');
  });

  it('shows archive folders outside the workspace in full', () => {
    expect(displayPath('/elsewhere/archive/cleared-x')).toBe('/elsewhere/archive/cleared-x');
    workspace.workspaceFolders = undefined;
    expect(displayPath(ARCHIVE)).toBe(ARCHIVE);
  });
});
