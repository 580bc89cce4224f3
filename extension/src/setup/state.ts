/**
 * The set-up states the panel shows while there is no sidecar (or the wrong one): each with one
 * true sentence, the fix where there is one, and the actions that apply. The webview renders these
 * as given; it decides nothing.
 */
import { MIN_VERSION, type Candidate, type Probe } from '../common/python';
import type { PipFailure } from './pipErrors';

/** The oldest sidecar (empathy-monitor) that speaks this extension's protocol. */
export const MIN_SIDECAR_VERSION = '0.2.0';

export { SETUP_ACTIONS, SETUP_KINDS, type SetupAction, type SetupButton, type SetupKind, type SetupView } from '@protocol';
import type { SetupButton, SetupView } from '@protocol';

const B = {
  create: { action: 'createEnv', label: 'Create environment' },
  retry: { action: 'retry', label: 'Retry' },
  cancel: { action: 'cancel', label: 'Cancel' },
  choose: { action: 'chooseInterpreter', label: 'Choose interpreter' },
  settings: { action: 'openSettings', label: 'Open settings' },
  logs: { action: 'showLogs', label: 'Show logs' },
} satisfies Record<string, SetupButton>;

const MIN = MIN_VERSION.join('.');

function where(c: Candidate): string {
  switch (c.source) {
    case 'setting':
      return 'set in empathy.pythonPath';
    case 'python-extension':
      return "the Python extension's interpreter";
    case 'private-env':
      return "the extension's private environment";
    default:
      return 'found on the PATH';
  }
}

/** The state for an interpreter that cannot run the sidecar. */
export function problemState(p: Exclude<Probe, { kind: 'ok' }>): SetupView {
  const cmd = p.candidate.command;
  switch (p.kind) {
    case 'missing':
      return {
        kind: 'noPython',
        title: 'Python not found',
        message: `Empathy Telemetry needs Python ${MIN} or newer, and none was found: ${p.detail} (${where(p.candidate)}).`,
        detail: 'Install Python, or choose an interpreter, then Retry.',
        actions: [B.choose, B.retry, B.settings, B.logs],
      };
    case 'tooOld':
      return {
        kind: 'pythonTooOld',
        title: 'Python is too old',
        message: `${cmd} (${where(p.candidate)}) is Python ${p.version}; Empathy Telemetry needs Python ${MIN} or newer.`,
        detail: 'Choose a newer interpreter.',
        actions: [B.choose, B.settings, B.logs],
      };
    case 'notInstalled':
      return {
        kind: 'packageMissing',
        title: 'One step to go: set up the sidecar',
        message: `Python ${p.version} was found (${cmd}, ${where(p.candidate)}), but the empathy-monitor package is not installed for it.`,
        detail: 'Create environment makes a private Python environment for the extension and installs the bundled package there; nothing is installed into your interpreter.',
        actions: [B.create, B.choose, B.logs],
      };
  }
}

export function installingState(progress: string, mode: 'create' | 'update'): SetupView {
  return {
    kind: 'installing',
    title: 'Setting up…',
    message:
      mode === 'update'
        ? 'Updating the private Python environment to the sidecar version this extension ships.'
        : 'Creating a private Python environment for the telemetry sidecar.',
    progress,
    actions: [B.cancel, B.logs],
  };
}

export function failedState(failure: PipFailure, step: string): SetupView {
  return {
    kind: 'failed',
    title: 'Set-up failed',
    message: failure.summary,
    detail: failure.fix,
    progress: `Failed at: ${step}`,
    actions: [B.retry, B.choose, B.logs],
  };
}

export function cancelledState(): SetupView {
  return {
    kind: 'cancelled',
    title: 'Set-up cancelled',
    message: 'Nothing was installed: the partial environment was removed.',
    detail: 'Create environment starts the set-up again.',
    actions: [B.create, B.choose, B.logs],
  };
}

export function sidecarTooOldState(command: string, version: string): SetupView {
  return {
    kind: 'sidecarTooOld',
    title: 'The sidecar is too old for this extension',
    message: `${command} has empathy-monitor ${version}, but this extension needs ${MIN_SIDECAR_VERSION} or newer.`,
    detail: 'Use a private environment installs the bundled version for the extension only; or run "pip install --upgrade empathy-monitor" for that interpreter.',
    actions: [{ action: 'createEnv', label: 'Use a private environment' }, B.choose, B.logs],
  };
}

/** Compares dotted versions numerically ("0.10.0" > "0.9.1"); a pre-release suffix sorts first. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): number[] => v.split(/[.+]/).map((x) => parseInt(x, 10) || 0);
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  const pre = (v: string): boolean => /\d(a|b|rc|dev)\d*/.test(v);
  return pre(a) === pre(b) ? 0 : pre(a) ? -1 : 1;
}

export type VersionVerdict = 'ok' | 'update' | 'tooOld';

/**
 * What the sidecar's `initialize` version means: the private environment is updated when the
 * bundled wheel is newer; any interpreter older than the protocol needs is too old.
 */
export function versionVerdict(source: Candidate['source'], server: string, bundled: string | undefined): VersionVerdict {
  if (source === 'private-env' && bundled && compareVersions(bundled, server) > 0) return 'update';
  if (compareVersions(server, MIN_SIDECAR_VERSION) < 0) return source === 'private-env' && bundled ? 'update' : 'tooOld';
  return 'ok';
}
