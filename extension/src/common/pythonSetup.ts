/** The interactive part of finding Python: tell the user what is wrong and offer the one-click fix. */
import { log } from './log';
import { notify } from './plainText';
import { describeProblem } from './python';
import { SetupController, type SetupDeps } from '../setup/controller';

export type PythonSetupDeps = SetupDeps;

const CREATE = 'Create Environment';
const SETTINGS = 'Open Settings';
const LOGS = 'Show Logs';

/**
 * The interpreter to run the sidecar with, or undefined after telling the user why not. The
 * controller's state (shown in the panel) says the same; the toast is a shortcut to its actions.
 */
export async function resolvePython(deps: PythonSetupDeps, setup = new SetupController(deps)): Promise<string | undefined> {
  const python = await setup.resolve();
  if (python) return python;
  const found = setup.problem;
  if (!found || setup.installing) return undefined;
  const message = describeProblem(found);
  log.error(message);
  const actions = found.kind === 'notInstalled' ? [CREATE, SETTINGS, LOGS] : [SETTINGS, LOGS];
  void notify.error(message, ...actions).then(async (choice) => {
    if (choice === CREATE) await setup.act('createEnv');
    else if (choice === SETTINGS) await setup.act('openSettings');
    else if (choice === LOGS) log.show();
  });
  return undefined;
}
