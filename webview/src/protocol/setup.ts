/**
 * The extension's set-up state (extension/src/setup/state.ts builds it): shown by the panel while
 * there is no sidecar, or the wrong one. Declared here once for both ends; the webview renders it
 * as given and sends back only which button was pressed.
 */
import { arr, literal, obj, optional, str, type Guard } from './guard';

export const SETUP_KINDS = [
  'noPython',
  'pythonTooOld',
  'packageMissing',
  'installing',
  'failed',
  'cancelled',
  'sidecarTooOld',
] as const;
export type SetupKind = (typeof SETUP_KINDS)[number];

export const SETUP_ACTIONS = ['createEnv', 'retry', 'cancel', 'chooseInterpreter', 'openSettings', 'showLogs'] as const;
export type SetupAction = (typeof SETUP_ACTIONS)[number];

export interface SetupButton {
  action: SetupAction;
  label: string;
}

export interface SetupView {
  kind: SetupKind;
  title: string;
  message: string;
  /** The fix, when there is one to name. */
  detail?: string;
  /** The current step while installing. */
  progress?: string;
  actions: SetupButton[];
}

export const isSetupAction: Guard<SetupAction> = literal(...SETUP_ACTIONS);

export const isSetupView: Guard<SetupView> = obj<SetupView>({
  kind: literal(...SETUP_KINDS),
  title: str,
  message: str,
  detail: optional(str),
  progress: optional(str),
  actions: arr(obj({ action: isSetupAction, label: str })),
});
