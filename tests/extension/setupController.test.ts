// The set-up states and their transitions, with child_process mocked (venv and pip replay real pip
// output from tests/fixtures/pip) and real files for the environment, the wheel and the lock.
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { commands, Uri, window, workspace } from './vscode.mock';

type Child = EventEmitter & { stdout: EventEmitter; stderr: EventEmitter; kill: () => void };
type Plan = (child: Child, command: string, args: string[]) => void;

const cp = vi.hoisted(() => ({
  probe: {} as Record<string, string>,
  spawned: [] as { command: string; args: string[] }[],
  plans: [] as Plan[],
}));

vi.mock('node:child_process', () => ({
  execFile: (cmd: string, _args: string[], _opts: unknown, cb: (e: Error | null, out: string, err: string) => void) => {
    const out = cp.probe[cmd];
    setTimeout(() => (out === undefined ? cb(Object.assign(new Error('nope'), { code: 'ENOENT' }), '', '') : cb(null, out, '')), 0);
  },
  spawn: (command: string, args: string[]) => {
    cp.spawned.push({ command, args });
    const child = Object.assign(new EventEmitter(), { stdout: new EventEmitter(), stderr: new EventEmitter() }) as Child;
    child.kill = () => setTimeout(() => child.emit('close', null), 0);
    const plan = cp.plans.shift() ?? ok;
    setTimeout(() => plan(child, command, args), 0);
    return child;
  },
}));

const { createLog } = await import('../../extension/src/common/log');
const { SetupController } = await import('../../extension/src/setup/controller');
const { resolvePython } = await import('../../extension/src/common/pythonSetup');

const fixture = (name: string): string => fs.readFileSync(path.resolve(__dirname, '../fixtures/pip', name), 'utf8');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'empathy-setup-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** venv: makes the environment's interpreter exist (so a cancel has something to remove). */
const ok: Plan = (child, _command, args) => {
  if (args[1] === 'venv') {
    fs.mkdirSync(path.join(args[3], 'bin'), { recursive: true });
    fs.writeFileSync(path.join(args[3], 'bin', 'python'), '');
  } else child.stdout.emit('data', Buffer.from(fixture('success.txt')));
  child.emit('close', 0);
};
const pipFails = (file: string): Plan => (child) => {
  child.stdout.emit('data', Buffer.from(fixture(file).split('ERROR:')[0]));
  child.stderr.emit('data', Buffer.from('ERROR:' + fixture(file).split('ERROR:').slice(1).join('ERROR:')));
  child.emit('close', 1);
};
/** pip that prints its retries and then hangs until killed. */
const pipHangs: Plan = (child) => {
  child.stderr.emit('data', Buffer.from(fixture('unreachable.txt').split('\n').slice(0, 2).join('\n') + '\n'));
};

const NOT_INSTALLED = '{"version": [3, 11, 2], "module": false, "error": "ModuleNotFoundError"}';
const OK = '{"version": [3, 11, 2], "module": true}';

function setup(opts: { offline?: boolean; wheel?: string } = {}) {
  const root = path.join(tmp, `case-${++n}`);
  const extensionPath = path.join(root, 'ext');
  const storage = path.join(root, 'globalStorage');
  const wheel = path.join(extensionPath, 'python-wheel', opts.wheel ?? 'empathy_monitor-0.2.0-py3-none-any.whl');
  fs.mkdirSync(path.dirname(wheel), { recursive: true });
  fs.writeFileSync(wheel, '');
  if (opts.offline) {
    fs.mkdirSync(path.join(extensionPath, 'python-deps'), { recursive: true });
    fs.writeFileSync(path.join(extensionPath, 'python-deps', 'pydantic-2.0-py3-none-any.whl'), '');
  }
  const memento = new Map<string, unknown>();
  const globalState = { get: <T>(k: string) => memento.get(k) as T, update: async (k: string, v: unknown) => void memento.set(k, v) };
  const ready = vi.fn();
  const deps = { context: { globalStorageUri: Uri.file(storage), extensionPath, globalState }, pythonPath: () => '/usr/bin/python3', onEnvironmentReady: ready };
  const ctl = new SetupController(deps as never);
  const states: (string | undefined)[] = [];
  ctl.onState((s) => states.push(s?.kind));
  const envDir = path.join(storage, 'python-env');
  const envPy = path.join(envDir, 'bin', 'python');
  return { ctl, deps, ready, states, envDir, envPy, wheel, extensionPath, memento };
}

const channel = createLog() as unknown as Record<'info' | 'warn' | 'error' | 'debug', ReturnType<typeof vi.fn>>;
const logged = (level: 'info' | 'warn' | 'error'): string[] => channel[level].mock.calls.map((c) => String(c[0]));

beforeEach(() => {
  cp.spawned.length = 0;
  cp.plans.length = 0;
  cp.probe = { '/usr/bin/python3': NOT_INSTALLED };
  Object.values(channel).forEach((f) => f.mockClear());
});

describe('set-up states from the interpreter found', () => {
  it('package missing: says Python was found, offers Create environment', async () => {
    const { ctl } = setup();
    expect(await ctl.resolve()).toBeUndefined();
    expect(ctl.state).toMatchObject({
      kind: 'packageMissing',
      message: 'Python 3.11.2 was found (/usr/bin/python3, set in empathy.pythonPath), but the empathy-monitor package is not installed for it.',
    });
    expect(ctl.state?.actions.map((a) => a.label)).toEqual(['Create environment', 'Choose interpreter', 'Show logs']);
  });

  it('no Python: says none was found, offers Choose interpreter and Retry', async () => {
    cp.probe = {};
    const { ctl } = setup();
    await ctl.resolve();
    expect(ctl.state?.kind).toBe('noPython');
    expect(ctl.state?.message).toContain('"/usr/bin/python3" was not found');
    expect(ctl.state?.actions.map((a) => a.action)).toEqual(['chooseInterpreter', 'retry', 'openSettings', 'showLogs']);
  });

  it('Python too old: names the version, no Create environment', async () => {
    cp.probe = { '/usr/bin/python3': '{"version": [3, 8, 10], "module": false}' };
    const { ctl } = setup();
    await ctl.resolve();
    expect(ctl.state).toMatchObject({ kind: 'pythonTooOld', message: '/usr/bin/python3 (set in empathy.pythonPath) is Python 3.8.10; Empathy Telemetry needs Python 3.10 or newer.' });
    expect(ctl.state?.actions.map((a) => a.action)).not.toContain('createEnv');
  });

  it('a usable interpreter clears the state', async () => {
    const { ctl } = setup();
    await ctl.resolve();
    cp.probe = { '/usr/bin/python3': OK };
    expect(await ctl.resolve()).toBe('/usr/bin/python3');
    expect(ctl.state).toBeUndefined();
  });
});

describe('Create environment', () => {
  it('installing (with the step) -> ready: venv, pip install of the bundled wheel, sidecar restarted', async () => {
    const { ctl, ready, states, envDir, envPy, wheel } = setup();
    await ctl.resolve();
    const progress: string[] = [];
    ctl.onState((s) => s?.progress && progress.push(s.progress));
    expect(await ctl.install('create')).toBe('ready');
    expect(cp.spawned).toEqual([
      { command: '/usr/bin/python3', args: ['-m', 'venv', '--clear', envDir] },
      { command: envPy, args: ['-m', 'pip', 'install', '--disable-pip-version-check', wheel] },
    ]);
    expect(states).toEqual(['packageMissing', 'installing', 'installing', 'installing', 'installing', 'installing', undefined]);
    expect(progress[1]).toMatch(/^Step 1 of 2: creating the environment in /);
    expect(progress).toContain('Step 2 of 2: installing empathy-monitor 0.2.0 and its dependencies: collecting pyyaml');
    expect(ready).toHaveBeenCalledOnce();
    expect(window.showInformationMessage).toHaveBeenCalledWith('Empathy Telemetry: Python environment ready.');
  });

  it('offline (.vsix with python-deps): pip gets --no-index --find-links to the bundled wheels', async () => {
    const { ctl, extensionPath, wheel } = setup({ offline: true });
    await ctl.resolve();
    await ctl.install('create');
    expect(cp.spawned[1].args).toEqual([
      '-m', 'pip', 'install', '--disable-pip-version-check', '--no-index', '--find-links', path.join(extensionPath, 'python-deps'), wheel,
    ]);
  });

  it('two requests during one install run one install (the second joins)', async () => {
    const { ctl, ready } = setup();
    await ctl.resolve();
    const [a, b] = await Promise.all([ctl.act('createEnv'), ctl.act('createEnv')]);
    expect([a, b]).toEqual([undefined, undefined]);
    expect(cp.spawned.filter((s) => s.args[1] === 'venv')).toHaveLength(1);
    expect(ready).toHaveBeenCalledOnce();
    expect(logged('info')).toContain('set-up: a second request joins the running install');
  });

  it('a sidecar restart during the install does not probe or report a problem', async () => {
    const { ctl } = setup();
    await ctl.resolve();
    cp.plans.push(ok, pipHangs);
    const run = ctl.install('create');
    await vi.waitFor(() => expect(cp.spawned).toHaveLength(2));
    expect(await ctl.resolve()).toBeUndefined();
    expect(ctl.state?.kind).toBe('installing');
    ctl.cancel();
    await run;
  });
});

describe('honest outcomes', () => {
  it('failure: names the cause parsed from pip, offers Retry; pip ERROR lines at error level, no stack', async () => {
    const { ctl, ready, envDir } = setup();
    await ctl.resolve();
    cp.plans.push(ok, pipFails('unreachable.txt'));
    expect(await ctl.install('create')).toBe('failed');
    expect(ctl.state).toMatchObject({ kind: 'failed', title: 'Set-up failed', message: 'The package index could not be reached.' });
    expect(ctl.state?.detail).toContain('PIP_INDEX_URL');
    expect(ctl.state?.actions[0]).toEqual({ action: 'retry', label: 'Retry' });
    expect(logged('error')).toContain('ERROR: No matching distribution found for pyyaml');
    expect(logged('warn').some((l) => l.startsWith('WARNING: Retrying'))).toBe(true);
    expect([...logged('error'), ...logged('info')].join('\n')).not.toMatch(/\n\s+at |Error: /);
    expect(window.showErrorMessage).toHaveBeenCalledWith(expect.stringContaining('The package index could not be reached.'), 'Retry', 'Show Logs');
    expect(fs.existsSync(envDir)).toBe(false);
    expect(ready).not.toHaveBeenCalled();
  });

  it('Retry after a failure installs again and succeeds once the index is back', async () => {
    const { ctl, ready } = setup();
    await ctl.resolve();
    cp.plans.push(ok, pipFails('unreachable.txt'));
    await ctl.install('create');
    await ctl.act('retry');
    expect(cp.spawned.filter((s) => s.args[1] === 'venv')).toHaveLength(2);
    expect(ctl.state).toBeUndefined();
    expect(ready).toHaveBeenCalledOnce();
  });

  it.each([
    ['proxy.txt', 'proxy'],
    ['ssl.txt', 'ssl'],
    ['nomatch.txt', 'noMatchingDistribution'],
    ['nospace.txt', 'noSpace'],
  ])('failure %s is reported as %s', async (file, cause) => {
    const { ctl } = setup();
    await ctl.resolve();
    cp.plans.push(ok, pipFails(file));
    await ctl.install('create');
    expect(logged('error')).toContainEqual(expect.stringContaining(`set-up failed (${cause})`));
  });

  it('Cancel mid-install: "Set-up cancelled" at info, the partial environment removed, no error', async () => {
    const { ctl, ready, envDir } = setup();
    await ctl.resolve();
    cp.plans.push(ok, pipHangs);
    const run = ctl.install('create');
    await vi.waitFor(() => expect(ctl.state?.progress).toContain('retrying (1 retry left)'));
    expect(fs.existsSync(envDir)).toBe(true);
    await ctl.act('cancel');
    expect(await run).toBe('cancelled');
    expect(ctl.state).toMatchObject({ kind: 'cancelled', title: 'Set-up cancelled', message: 'Nothing was installed: the partial environment was removed.' });
    expect(fs.existsSync(envDir)).toBe(false);
    expect(window.showInformationMessage).toHaveBeenCalledWith('Empathy Telemetry: Set-up cancelled.');
    expect(logged('info')).toContain('set-up: Set-up cancelled');
    expect(logged('error').filter((l) => !l.startsWith('ERROR:'))).toEqual([]);
    expect(window.showErrorMessage).not.toHaveBeenCalled();
    expect(ready).not.toHaveBeenCalled();
  });

  it('Cancel from the progress notification does the same', async () => {
    const { ctl, envDir } = setup();
    await ctl.resolve();
    let cancelNotification = (): void => undefined;
    window.withProgress.mockImplementationOnce((_o: unknown, task: (p: unknown, t: unknown) => unknown) =>
      task({ report: vi.fn() }, { onCancellationRequested: (l: () => void) => ((cancelNotification = l), { dispose: () => undefined }) }) as never,
    );
    cp.plans.push(ok, pipHangs);
    const run = ctl.install('create');
    await vi.waitFor(() => expect(cp.spawned).toHaveLength(2));
    cancelNotification();
    expect(await run).toBe('cancelled');
    expect(fs.existsSync(envDir)).toBe(false);
  });

  it('a venv failure says so, with the ensurepip hint when that is the cause', async () => {
    const { ctl } = setup();
    await ctl.resolve();
    cp.plans.push((child) => {
      child.stdout.emit('data', Buffer.from('The virtual environment was not created successfully because ensurepip is not\navailable.  On Debian/Ubuntu systems, you need to install the python3-venv\npackage using the following command.\n'));
      child.emit('close', 1);
    });
    await ctl.install('create');
    expect(ctl.state?.message).toMatch(/^python3 -m venv failed: /);
    expect(ctl.state?.detail).toContain('apt install python3-venv');
  });
});

describe('versions at initialize', () => {
  it('private environment older than the bundled wheel: updated with the same states', async () => {
    const { ctl, envPy, ready, states, wheel } = setup({ wheel: 'empathy_monitor-0.2.0-py3-none-any.whl' });
    fs.mkdirSync(path.dirname(envPy), { recursive: true });
    fs.writeFileSync(envPy, '');
    cp.probe[envPy] = OK;
    expect(await ctl.resolve()).toBe(envPy);
    await ctl.checkServer({ name: 'empathy-sidecar', version: '0.1.0' });
    expect(cp.spawned).toEqual([{ command: envPy, args: ['-m', 'pip', 'install', '--disable-pip-version-check', '--upgrade', wheel] }]);
    expect(states).toContain('installing');
    expect(ctl.state).toBeUndefined();
    expect(ready).toHaveBeenCalledOnce();
  });

  it('private environment as new as the wheel: nothing to do', async () => {
    const { ctl, envPy } = setup({ wheel: 'empathy_monitor-0.2.0-py3-none-any.whl' });
    fs.mkdirSync(path.dirname(envPy), { recursive: true });
    fs.writeFileSync(envPy, '');
    cp.probe[envPy] = OK;
    await ctl.resolve();
    await ctl.checkServer({ name: 'empathy-sidecar', version: '0.2.0' });
    expect(cp.spawned).toEqual([]);
  });

  it('a user interpreter with a too-old sidecar: clear message, one click to a private environment', async () => {
    cp.probe = { '/usr/bin/python3': OK };
    const { ctl, envPy, memento } = setup();
    expect(await ctl.resolve()).toBe('/usr/bin/python3');
    await ctl.checkServer({ name: 'empathy-sidecar', version: '0.0.9' });
    expect(ctl.state).toMatchObject({
      kind: 'sidecarTooOld',
      message: '/usr/bin/python3 has empathy-monitor 0.0.9, but this extension needs 0.2.0 or newer.',
    });
    expect(ctl.state?.actions[0]).toEqual({ action: 'createEnv', label: 'Use a private environment' });
    // The restart that follows must not clear the message while the old sidecar is still chosen.
    await ctl.resolve();
    expect(ctl.state?.kind).toBe('sidecarTooOld');
    await ctl.act('createEnv');
    expect(cp.spawned[0]).toEqual({ command: '/usr/bin/python3', args: ['-m', 'venv', '--clear', path.dirname(path.dirname(envPy))] });
    expect(memento.get('empathy.privateEnvFor')).toBe('/usr/bin/python3');
    cp.probe[envPy] = OK;
    expect(await ctl.resolve()).toBe(envPy);
    expect(ctl.state).toBeUndefined();
  });

  it('a sidecar without a version is logged, not acted on', async () => {
    cp.probe = { '/usr/bin/python3': OK };
    const { ctl } = setup();
    await ctl.resolve();
    await ctl.checkServer({ name: 'empathy-sidecar' });
    expect(ctl.state).toBeUndefined();
    expect(logged('warn')).toContain('the sidecar (/usr/bin/python3) reported no version at initialize');
  });
});

describe('the other buttons', () => {
  it('Open settings, Show logs, Retry without a failed install (looks again)', async () => {
    const { ctl, ready } = setup();
    await ctl.resolve();
    await ctl.act('openSettings');
    expect(commands.executeCommand).toHaveBeenCalledWith('workbench.action.openSettings', 'empathy.pythonPath');
    await ctl.act('retry');
    expect(ready).toHaveBeenCalledOnce();
    expect(cp.spawned).toEqual([]);
  });

  it('Choose interpreter: a file picked is written to empathy.pythonPath', async () => {
    const update = vi.fn(async () => undefined);
    const getConfiguration = workspace.getConfiguration;
    (workspace as Record<string, unknown>).getConfiguration = () => ({ update });
    (window as Record<string, unknown>).showOpenDialog = vi.fn(async () => [Uri.file('/opt/py312/bin/python3')]);
    try {
      const { ctl } = setup();
      await ctl.act('chooseInterpreter');
      expect(update).toHaveBeenCalledWith('pythonPath', '/opt/py312/bin/python3', true);
    } finally {
      (workspace as Record<string, unknown>).getConfiguration = getConfiguration;
    }
  });

  it('resolvePython keeps its toast; its Create Environment joins the same install as the panel', async () => {
    const { ctl, deps } = setup();
    window.showErrorMessage.mockResolvedValueOnce('Create Environment' as never);
    cp.plans.push(ok, (child) => setTimeout(() => ok(child, '', []), 20));
    await resolvePython(deps as never, ctl);
    const panelClick = ctl.act('createEnv');
    await panelClick;
    await vi.waitFor(() => expect(ctl.state).toBeUndefined());
    expect(cp.spawned.filter((s) => s.args[1] === 'venv')).toHaveLength(1);
  });
});
