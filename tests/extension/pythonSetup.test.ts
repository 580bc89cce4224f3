// The one-click private environment, with child_process mocked: the exact commands it runs.
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { commands, Uri, window } from './vscode.mock';

const cp = vi.hoisted(() => ({
  probeOut: '',
  spawned: [] as { command: string; args: string[] }[],
  exitCode: 0,
}));

vi.mock('node:child_process', () => ({
  execFile: (_cmd: string, _args: string[], _opts: unknown, cb: (e: Error | null, out: string, err: string) => void) => {
    setTimeout(() => cb(null, cp.probeOut, ''), 0);
  },
  spawn: (command: string, args: string[]) => {
    cp.spawned.push({ command, args });
    const child = Object.assign(new EventEmitter(), { stdout: new EventEmitter(), stderr: new EventEmitter(), kill: vi.fn() });
    setTimeout(() => {
      child.stderr.emit('data', Buffer.from('Successfully installed empathy-monitor\n'));
      child.emit('close', cp.exitCode);
    }, 0);
    return child;
  },
}));

const { resolvePython } = await import('../../extension/src/common/pythonSetup');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'empathy-pysetup-'));
const extensionPath = path.join(tmp, 'ext');
const storage = path.join(tmp, 'globalStorage');
const wheel = path.join(extensionPath, 'python-wheel', 'empathy_monitor-0.2.0-py3-none-any.whl');
fs.mkdirSync(path.dirname(wheel), { recursive: true });
fs.writeFileSync(wheel, '');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const context = { globalStorageUri: Uri.file(storage), extensionPath } as never;
const NOT_INSTALLED = '{"version": [3, 11, 2], "module": false, "error": "ModuleNotFoundError: No module named \'empathy_monitor\'"}';
const MESSAGE =
  'The Python package "empathy-monitor" is not installed for /usr/bin/python3 (from the empathy.pythonPath setting, Python 3.11.2). Create a private environment for it, or run "pip install empathy-monitor" there.';

beforeEach(() => {
  cp.spawned.length = 0;
  cp.exitCode = 0;
  cp.probeOut = NOT_INSTALLED;
});

describe('resolvePython without empathy_monitor', () => {
  it('says exactly what is wrong and offers the private environment', async () => {
    const ready = vi.fn();
    expect(await resolvePython({ context, pythonPath: () => '/usr/bin/python3', onEnvironmentReady: ready })).toBeUndefined();
    expect(window.showErrorMessage).toHaveBeenCalledWith(MESSAGE, 'Create Environment', 'Open Settings', 'Show Logs');
    expect(cp.spawned).toEqual([]);
  });

  it('"Create Environment": venv in globalStorage, then pip install of the bundled wheel', async () => {
    window.showErrorMessage.mockResolvedValueOnce('Create Environment' as never);
    const ready = vi.fn();
    await resolvePython({ context, pythonPath: () => '/usr/bin/python3', onEnvironmentReady: ready });
    await vi.waitFor(() => expect(ready).toHaveBeenCalledOnce());
    const envDir = path.join(storage, 'python-env');
    expect(cp.spawned).toEqual([
      { command: '/usr/bin/python3', args: ['-m', 'venv', '--clear', envDir] },
      { command: path.join(envDir, 'bin', 'python'), args: ['-m', 'pip', 'install', '--disable-pip-version-check', wheel] },
    ]);
    expect(fs.existsSync(storage)).toBe(true);
    expect(window.withProgress).toHaveBeenCalledWith(
      expect.objectContaining({ title: 'Empathy Telemetry: creating a Python environment', cancellable: true }),
      expect.any(Function),
    );
    expect(window.showInformationMessage).toHaveBeenCalledWith('Empathy Telemetry: Python environment ready.');
  });

  it('a failing pip says so and does not claim success', async () => {
    cp.exitCode = 1;
    window.showErrorMessage.mockResolvedValueOnce('Create Environment' as never);
    const ready = vi.fn();
    await resolvePython({ context, pythonPath: () => '/usr/bin/python3', onEnvironmentReady: ready });
    await vi.waitFor(() =>
      expect(window.showErrorMessage).toHaveBeenCalledWith(
        // Issue 19: the failure names its cause and offers Retry (it used to say "Error: … exited with 1").
        expect.stringContaining('Empathy Telemetry: set-up failed. python3 -m venv failed'),
        'Retry',
        'Show Logs',
      ),
    );
    expect(cp.spawned).toHaveLength(1);
    expect(ready).not.toHaveBeenCalled();
  });

  it('"Open Settings" opens empathy.pythonPath', async () => {
    window.showErrorMessage.mockResolvedValueOnce('Open Settings' as never);
    await resolvePython({ context, pythonPath: () => '/usr/bin/python3', onEnvironmentReady: vi.fn() });
    await vi.waitFor(() => expect(commands.executeCommand).toHaveBeenCalledWith('workbench.action.openSettings', 'empathy.pythonPath'));
  });

  it('a too-old Python gets no Create button', async () => {
    cp.probeOut = '{"version": [3, 8, 10], "module": false}';
    await resolvePython({ context, pythonPath: () => '/opt/py38', onEnvironmentReady: vi.fn() });
    expect(window.showErrorMessage).toHaveBeenCalledWith(
      'Empathy Telemetry needs Python 3.10 or newer, but /opt/py38 (from the empathy.pythonPath setting) is Python 3.8.10. Set "empathy.pythonPath" to a newer interpreter.',
      'Open Settings',
      'Show Logs',
    );
  });

  it('uses the interpreter as is when it has the package', async () => {
    cp.probeOut = '{"version": [3, 12, 1], "module": true}';
    expect(await resolvePython({ context, pythonPath: () => '/venv/bin/python', onEnvironmentReady: vi.fn() })).toBe('/venv/bin/python');
    expect(window.showErrorMessage).not.toHaveBeenCalled();
  });
});
