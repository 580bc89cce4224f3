/**
 * Finds the Python interpreter that runs the sidecar and says exactly what is wrong when none fits.
 *
 * Order: `empathy.pythonPath`, then the Python extension's active interpreter, then `python3`; a
 * private environment in the extension's global storage is used when the first choice lacks
 * `empathy_monitor`.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { log } from './log';

export const MIN_VERSION: readonly [number, number] = [3, 10];

export type InterpreterSource = 'setting' | 'python-extension' | 'default' | 'private-env';

export interface Candidate {
  command: string;
  source: InterpreterSource;
}

export type Probe =
  | { kind: 'ok'; candidate: Candidate; version: string }
  | { kind: 'missing'; candidate: Candidate; detail: string }
  | { kind: 'tooOld'; candidate: Candidate; version: string }
  | { kind: 'notInstalled'; candidate: Candidate; version: string; detail: string };

const PROBE = [
  'import sys, json',
  'r = {"version": list(sys.version_info[:3])}',
  'try:',
  '    import empathy_monitor',
  '    r["module"] = True',
  'except Exception as e:',
  '    r["module"] = False',
  '    r["error"] = "%s: %s" % (type(e).__name__, e)',
  'print(json.dumps(r))',
].join('\n');

/** Runs the probe script under `candidate` and classifies the result. */
export function probe(candidate: Candidate, timeoutMs = 20000): Promise<Probe> {
  return new Promise((resolve) => {
    execFile(candidate.command, ['-c', PROBE], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err && !stdout) {
        const code = (err as NodeJS.ErrnoException).code;
        const detail =
          code === 'ENOENT'
            ? `"${candidate.command}" was not found`
            : `"${candidate.command}" failed: ${stderr.trim() || err.message}`;
        resolve({ kind: 'missing', candidate, detail });
        return;
      }
      resolve(classify(candidate, stdout));
    });
  });
}

export function classify(candidate: Candidate, stdout: string): Probe {
  let parsed: { version?: unknown; module?: unknown; error?: unknown };
  try {
    parsed = JSON.parse(stdout.trim().split('\n').pop() ?? '') as typeof parsed;
  } catch {
    return { kind: 'missing', candidate, detail: `"${candidate.command}" is not a Python interpreter` };
  }
  const v = Array.isArray(parsed.version) ? parsed.version.map(Number) : [0, 0, 0];
  const version = v.join('.');
  if (v[0] < MIN_VERSION[0] || (v[0] === MIN_VERSION[0] && v[1] < MIN_VERSION[1])) {
    return { kind: 'tooOld', candidate, version };
  }
  if (parsed.module !== true) {
    return { kind: 'notInstalled', candidate, version, detail: String(parsed.error ?? '') };
  }
  return { kind: 'ok', candidate, version };
}

/** A sentence for the user: what is wrong and what to do. */
export function describeProblem(p: Exclude<Probe, { kind: 'ok' }>): string {
  const where = sourceLabel(p.candidate);
  switch (p.kind) {
    case 'missing':
      return `Empathy Telemetry needs Python ${MIN_VERSION.join('.')} or newer: ${p.detail} (${where}). Install Python or set "empathy.pythonPath".`;
    case 'tooOld':
      return `Empathy Telemetry needs Python ${MIN_VERSION.join('.')} or newer, but ${p.candidate.command} (${where}) is Python ${p.version}. Set "empathy.pythonPath" to a newer interpreter.`;
    case 'notInstalled':
      return `The Python package "empathy-monitor" is not installed for ${p.candidate.command} (${where}, Python ${p.version}). Create a private environment for it, or run "pip install empathy-monitor" there.`;
  }
}

function sourceLabel(c: Candidate): string {
  switch (c.source) {
    case 'setting':
      return 'from the empathy.pythonPath setting';
    case 'python-extension':
      return "the Python extension's active interpreter";
    case 'private-env':
      return "the extension's private environment";
    default:
      return 'the default python3';
  }
}

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment(
      env: { path: string } | string,
    ): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
}

/** The Python extension's active interpreter for the first workspace folder, if it is installed. */
async function pythonExtensionInterpreter(): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!ext) return undefined;
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    const envs = api?.environments;
    if (!envs) return undefined;
    const active = envs.getActiveEnvironmentPath(vscode.workspace.workspaceFolders?.[0]?.uri);
    if (!active) return undefined;
    const resolved = await envs.resolveEnvironment(active);
    return resolved?.executable?.uri?.fsPath ?? active.path;
  } catch (err) {
    log.warn(`could not ask the Python extension for its interpreter: ${String(err)}`);
    return undefined;
  }
}

export async function primaryCandidate(pythonPath: string): Promise<Candidate> {
  if (pythonPath) return { command: pythonPath, source: 'setting' };
  const fromExt = await pythonExtensionInterpreter();
  if (fromExt) return { command: fromExt, source: 'python-extension' };
  return { command: process.platform === 'win32' ? 'python' : 'python3', source: 'default' };
}

export function privateEnvDir(storage: vscode.Uri): string {
  return path.join(storage.fsPath, 'python-env');
}

export function privateEnvPython(storage: vscode.Uri): string {
  const dir = privateEnvDir(storage);
  return process.platform === 'win32'
    ? path.join(dir, 'Scripts', 'python.exe')
    : path.join(dir, 'bin', 'python');
}

/**
 * The interpreter to run the sidecar with: the primary candidate if it can import
 * `empathy_monitor`, else the private environment if that can, else the primary's problem.
 */
export async function findInterpreter(pythonPath: string, storage: vscode.Uri): Promise<Probe> {
  const primary = await probe(await primaryCandidate(pythonPath));
  log.info(`python: ${primary.candidate.command} (${primary.candidate.source}) -> ${primary.kind}`);
  if (primary.kind === 'ok') return primary;
  const priv = privateEnvPython(storage);
  if (fs.existsSync(priv)) {
    const p = await probe({ command: priv, source: 'private-env' });
    log.info(`python: private environment ${priv} -> ${p.kind}`);
    if (p.kind === 'ok') return p;
  }
  return primary;
}
