/**
 * Creates (or updates) the private environment: `python -m venv`, then `pip install` of the wheel
 * shipped in the .vsix, its dependencies from the index or, in a platform .vsix, from the bundled
 * wheels with `--no-index`. Reports each step, turns a cancel into `SetupCancelled` and a failure
 * into `SetupFailed` with pip's cause; a cancelled or failed creation leaves no environment behind.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { log } from '../common/log';
import { privateEnvDir, privateEnvPython } from '../common/python';
import { bundledWheel } from '../common/pythonEnv';
import { errorLines, parsePipFailure, progressNote, type PipFailure } from './pipErrors';

export class SetupCancelled extends Error {
  constructor() {
    super('Set-up cancelled');
  }
}

export class SetupFailed extends Error {
  constructor(
    readonly failure: PipFailure,
    readonly step: string,
  ) {
    super(failure.summary);
  }
}

/** Dependency wheels a platform .vsix bundles (scripts/build_vsix --target). */
export function bundledDeps(extensionPath: string): string | undefined {
  const dir = path.join(extensionPath, 'python-deps');
  try {
    return fs.readdirSync(dir).some((f) => f.endsWith('.whl')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** "0.2.0" from "empathy_monitor-0.2.0-py3-none-any.whl". */
export function wheelVersion(wheel: string): string | undefined {
  return /^[A-Za-z0-9_.]+?-([^-]+)-/.exec(path.basename(wheel))?.[1];
}

/** A path for a message: the home folder as `~`, long paths as their last segments. */
export function shortPath(p: string, home = os.homedir()): string {
  const rel = home && (p === home || p.startsWith(home + path.sep)) ? '~' + p.slice(home.length) : p;
  const parts = rel.split(/[\\/]/).filter(Boolean);
  return parts.length > 4 ? `…/${parts.slice(-2).join('/')}` : rel;
}

export interface InstallRequest {
  basePython: string;
  storage: vscode.Uri;
  extensionPath: string;
  /** `update`: upgrade the package inside the existing environment. */
  mode: 'create' | 'update';
  onProgress(text: string): void;
  token: vscode.CancellationToken;
}

export function pipInstallArgs(extensionPath: string, mode: 'create' | 'update'): string[] {
  const wheel = bundledWheel(extensionPath);
  const deps = bundledDeps(extensionPath);
  return [
    '-m', 'pip', 'install', '--disable-pip-version-check',
    ...(mode === 'update' ? ['--upgrade'] : []),
    ...(deps ? ['--no-index', '--find-links', deps] : []),
    wheel ?? 'empathy-monitor',
  ];
}

interface RunResult {
  code: number | null;
  output: string;
  cancelled: boolean;
  spawnError?: Error;
}

function run(command: string, args: string[], token: vscode.CancellationToken, onLine: (l: string) => void): Promise<RunResult> {
  return new Promise((resolve) => {
    log.info(`$ ${command} ${args.join(' ')}`);
    let output = '';
    let cancelled = false;
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const sub = token.onCancellationRequested(() => {
      cancelled = true;
      child.kill();
    });
    const onData = (stream: 'out' | 'err') => (d: Buffer) => {
      const text = d.toString();
      output += text;
      for (const line of text.split(/\r?\n/)) {
        const l = line.trimEnd();
        if (!l.trim()) continue;
        if (l.startsWith('ERROR:')) log.error(l);
        else if (l.startsWith('WARNING:')) log.warn(l);
        else if (stream === 'err') log.info(l);
        else log.debug(l);
        onLine(l);
      }
    };
    child.stdout.on('data', onData('out'));
    child.stderr.on('data', onData('err'));
    child.on('error', (err) => {
      sub.dispose();
      resolve({ code: null, output, cancelled, spawnError: err });
    });
    child.on('close', (code) => {
      sub.dispose();
      resolve({ code, output, cancelled: cancelled || token.isCancellationRequested });
    });
  });
}

function venvFailure(base: string, r: RunResult): PipFailure {
  const last = r.output.trim().split('\n').filter(Boolean).pop() ?? '';
  if (r.spawnError) {
    return { cause: 'unknown', summary: `"${base}" could not be run (${r.spawnError.message}).`, fix: 'Choose another Python interpreter, then Retry.' };
  }
  const ensurepip = /ensurepip|python3-venv/.test(r.output);
  return {
    cause: 'unknown',
    summary: `${path.basename(base)} -m venv failed${last ? `: ${last}` : '.'}`,
    fix: ensurepip
      ? 'This Python has no venv/ensurepip module: install it (Debian/Ubuntu: "apt install python3-venv"), then Retry.'
      : 'See the logs for details, or choose another Python interpreter, then Retry.',
  };
}

/** Runs the set-up; resolves with the environment's interpreter. */
export async function installEnv(req: InstallRequest): Promise<string> {
  const dir = privateEnvDir(req.storage);
  const py = privateEnvPython(req.storage);
  const offline = bundledDeps(req.extensionPath) !== undefined;
  const removePartial = (): void => {
    if (req.mode !== 'create') return;
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      log.info(`removed the partial environment ${dir}`);
    } catch (err) {
      log.warn(`could not remove the partial environment ${dir}: ${String(err)}`);
    }
  };
  await fs.promises.mkdir(req.storage.fsPath, { recursive: true });
  const steps = req.mode === 'create' ? 2 : 1;
  if (req.mode === 'create') {
    const step = `Step 1 of ${steps}: creating the environment in ${shortPath(dir)}`;
    req.onProgress(step);
    const r = await run(req.basePython, ['-m', 'venv', '--clear', dir], req.token, () => undefined);
    if (r.cancelled) {
      removePartial();
      throw new SetupCancelled();
    }
    if (r.code !== 0) {
      removePartial();
      throw new SetupFailed(venvFailure(req.basePython, r), step);
    }
  }
  const wheel = bundledWheel(req.extensionPath);
  const what = wheel ? `empathy-monitor ${wheelVersion(wheel) ?? ''}`.trim() : 'empathy-monitor';
  const step = `Step ${steps} of ${steps}: ${req.mode === 'update' ? 'updating to' : 'installing'} ${what} and its dependencies${offline ? ' from the bundled wheels (offline)' : ''}`;
  req.onProgress(step);
  const r = await run(py, pipInstallArgs(req.extensionPath, req.mode), req.token, (line) => {
    const note = progressNote(line);
    if (note) req.onProgress(`${step}: ${note}`);
  });
  if (r.cancelled) {
    removePartial();
    throw new SetupCancelled();
  }
  if (r.code !== 0) {
    removePartial();
    const failure = r.spawnError
      ? { cause: 'unknown' as const, summary: `pip could not be run (${r.spawnError.message}).`, fix: 'Retry; if it fails again, see the logs.' }
      : parsePipFailure(r.output);
    if (!errorLines(r.output).length) log.error(`pip exited with ${String(r.code)}`);
    throw new SetupFailed(failure, step);
  }
  return py;
}
