/**
 * `empathy.openPanelForWorkflow`: the one command a lens runs. Its argument must name a workflow
 * the sidecar named in a codeLenses answer; anything else is logged and ignored. The panel opens
 * on the lens's range, filtered to that workflow and, for a step's lens, to that step, if the
 * sidecar named it for that workflow (any other step opens the workflow alone).
 */
import * as vscode from 'vscode';
import type { Filters, Range } from '@protocol';
import { log } from '../common/log';
import { logText } from '../common/plainText';
import type { KnownWorkflows, LensTarget } from './known';
import type { LensRange } from '../common/settings';
import { LENS_COMMAND } from './provider';

export interface LensCommandDeps {
  known: KnownWorkflows;
  range(): LensRange;
  /** Sets the panel's view (range + filters) and shows it; the panel tells the webview. */
  showPanel(view: { range: Range; filters: Filters }): Promise<unknown>;
}

export async function openPanelForWorkflow(deps: LensCommandDeps, arg: unknown): Promise<LensTarget | undefined> {
  const target = deps.known.validate(arg);
  if (!target) {
    log.warn(`${LENS_COMMAND}: ignored an argument that names no workflow the sidecar knows: ${logText(JSON.stringify(arg) ?? String(arg)).slice(0, 200)}`);
    return undefined;
  }
  log.info(`${LENS_COMMAND}: ${logText(target.workflow)}${target.step ? ` / ${logText(target.step)}` : ''}`);
  const filters: Filters = { workflow: target.workflow };
  if (target.step !== null) {
    if (deps.known.hasStep(target.workflow, target.step)) filters.step = target.step;
    else log.warn(`${LENS_COMMAND}: step ${logText(target.step).slice(0, 200)} is not one the sidecar named for this workflow; opening the workflow`);
  }
  await deps.showPanel({ range: deps.range(), filters });
  return target;
}

export function registerLensCommand(deps: LensCommandDeps): vscode.Disposable {
  return vscode.commands.registerCommand(LENS_COMMAND, (arg: unknown) =>
    openPanelForWorkflow(deps, arg).catch((err: unknown) => log.error(`${LENS_COMMAND} failed`, err)),
  );
}
