/** The interactive part of finding Python: tell the user what is wrong and offer the one-click fix. */
import * as vscode from 'vscode';
import { log } from './log';
import { notify } from './plainText';
import { describeProblem, findInterpreter } from './python';
import { createPrivateEnv } from './pythonEnv';

export interface PythonSetupDeps {
  context: vscode.ExtensionContext;
  pythonPath(): string;
  /** Called after a private environment was created. */
  onEnvironmentReady(): void;
}

const CREATE = 'Create Environment';
const SETTINGS = 'Open Settings';
const LOGS = 'Show Logs';

/** The interpreter to run the sidecar with, or undefined after telling the user why not. */
export async function resolvePython(deps: PythonSetupDeps): Promise<string | undefined> {
  const found = await findInterpreter(deps.pythonPath(), deps.context.globalStorageUri);
  if (found.kind === 'ok') return found.candidate.command;
  const message = describeProblem(found);
  log.error(message);
  const actions = found.kind === 'notInstalled' ? [CREATE, SETTINGS, LOGS] : [SETTINGS, LOGS];
  void notify.error(message, ...actions).then(async (choice) => {
    if (choice === CREATE) {
      try {
        await createPrivateEnv(found.candidate.command, deps.context.globalStorageUri, deps.context.extensionPath);
        void notify.info('Empathy Telemetry: Python environment ready.');
        deps.onEnvironmentReady();
      } catch (err) {
        log.error('creating the Python environment failed', err);
        void notify
          .error(`Empathy Telemetry: creating the Python environment failed: ${String(err)}`, LOGS)
          .then((c) => c === LOGS && log.show());
      }
    } else if (choice === SETTINGS) {
      void vscode.commands.executeCommand('workbench.action.openSettings', 'empathy.pythonPath');
    } else if (choice === LOGS) {
      log.show();
    }
  });
  return undefined;
}
