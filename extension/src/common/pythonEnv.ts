/** Creates the private Python environment and installs the wheel shipped inside the .vsix. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { log } from './log';
import { privateEnvDir, privateEnvPython } from './python';

/** The newest `*.whl` in `<extension>/python-wheel`, or undefined when the vsix ships none. */
export function bundledWheel(extensionPath: string): string | undefined {
  const dir = path.join(extensionPath, 'python-wheel');
  if (!fs.existsSync(dir)) return undefined;
  const wheels = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.whl'))
    .sort();
  return wheels.length ? path.join(dir, wheels[wheels.length - 1]) : undefined;
}

function run(command: string, args: string[], token: vscode.CancellationToken): Promise<void> {
  return new Promise((resolve, reject) => {
    log.info(`$ ${command} ${args.join(' ')}`);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const sub = token.onCancellationRequested(() => child.kill());
    child.stdout.on('data', (d: Buffer) => log.debug(d.toString().trimEnd()));
    child.stderr.on('data', (d: Buffer) => log.info(d.toString().trimEnd()));
    child.on('error', (err) => {
      sub.dispose();
      reject(err);
    });
    child.on('close', (code) => {
      sub.dispose();
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(command)} ${args[0]} ${args[1] ?? ''} exited with ${code}`));
    });
  });
}

/**
 * Creates `<globalStorage>/python-env` with `basePython` and installs the bundled wheel (its
 * dependencies come from the package index). Returns the environment's interpreter.
 */
export async function createPrivateEnv(
  basePython: string,
  storage: vscode.Uri,
  extensionPath: string,
): Promise<string> {
  const wheel = bundledWheel(extensionPath);
  const target = wheel ?? 'empathy-monitor';
  await fs.promises.mkdir(storage.fsPath, { recursive: true });
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'Empathy Telemetry: creating a Python environment',
      cancellable: true,
    },
    async (progress, token) => {
      const dir = privateEnvDir(storage);
      progress.report({ message: `python -m venv ${dir}` });
      await run(basePython, ['-m', 'venv', '--clear', dir], token);
      const py = privateEnvPython(storage);
      progress.report({ message: `installing ${path.basename(target)}` });
      await run(py, ['-m', 'pip', 'install', '--disable-pip-version-check', target], token);
      return py;
    },
  );
}
