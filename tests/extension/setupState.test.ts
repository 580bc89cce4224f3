// The set-up states' sentences, the version rules, the panel message and the status bar.
import { describe, expect, it, vi } from 'vitest';
import { EventEmitter, window } from './vscode.mock';
import { parseWebviewMessage } from '../../extension/src/panel/messages';
import { pipInstallArgs, shortPath, wheelVersion } from '../../extension/src/setup/install';
import {
  cancelledState,
  compareVersions,
  failedState,
  installingState,
  MIN_SIDECAR_VERSION,
  versionVerdict,
  type SetupView,
} from '../../extension/src/setup/state';
import { createStatusBar } from '../../extension/src/statusBar';
import { TelemetryModel } from '../../extension/src/model';
import type { Sidecar } from '../../extension/src/sidecar/client';

describe('versions', () => {
  it('compares dotted versions numerically; a pre-release sorts before its release', () => {
    expect(compareVersions('0.10.0', '0.9.1')).toBe(1);
    expect(compareVersions('0.1.0', '0.1')).toBe(0);
    expect(compareVersions('0.1.0rc1', '0.1.0')).toBe(-1);
    expect(compareVersions('1.2.3', '1.2.4')).toBe(-1);
  });

  it('update the private environment when the bundled wheel is newer; a user interpreter only when too old', () => {
    expect(versionVerdict('private-env', '0.1.0', '0.2.0')).toBe('update');
    expect(versionVerdict('private-env', '0.2.0', '0.2.0')).toBe('ok');
    expect(versionVerdict('private-env', '0.3.0', '0.2.0')).toBe('ok');
    expect(versionVerdict('setting', '0.2.0', '0.3.0')).toBe('ok');
    expect(versionVerdict('setting', '0.1.0', '0.2.0')).toBe('tooOld'); // before the 0.2 protocol
    expect(versionVerdict('setting', '0.0.1', '0.2.0')).toBe('tooOld');
    expect(versionVerdict('default', MIN_SIDECAR_VERSION, undefined)).toBe('ok');
  });

  it('reads the version from a wheel file name', () => {
    expect(wheelVersion('/x/python-wheel/empathy_monitor-0.1.0-py3-none-any.whl')).toBe('0.1.0');
  });
});

describe('states', () => {
  it('installing says Setting up… with the step and offers Cancel', () => {
    expect(installingState('Step 1 of 2: creating the environment', 'create')).toEqual({
      kind: 'installing',
      title: 'Setting up…',
      message: 'Creating a private Python environment for the telemetry sidecar.',
      progress: 'Step 1 of 2: creating the environment',
      actions: [{ action: 'cancel', label: 'Cancel' }, { action: 'showLogs', label: 'Show logs' }],
    });
  });

  it('failed carries the cause, the fix and the step; cancelled offers to start again', () => {
    const f = failedState({ cause: 'noSpace', summary: 'The disk is full.', fix: 'Free space.' }, 'Step 2 of 2: installing');
    expect(f).toMatchObject({ kind: 'failed', message: 'The disk is full.', detail: 'Free space.', progress: 'Failed at: Step 2 of 2: installing' });
    expect(cancelledState().actions[0]).toEqual({ action: 'createEnv', label: 'Create environment' });
  });

  it('paths in messages are shortened', () => {
    expect(shortPath('/home/u/.vscode-server/data/User/globalStorage/empathy.empathy-telemetry/python-env', '/home/u')).toBe(
      '…/empathy.empathy-telemetry/python-env',
    );
    expect(shortPath('/home/u/env', '/home/u')).toBe('~/env');
  });

  it('pip install args: today the index, a platform .vsix its bundled wheels', () => {
    expect(pipInstallArgs('/nowhere', 'update')).toEqual(['-m', 'pip', 'install', '--disable-pip-version-check', '--upgrade', 'empathy-monitor']);
  });
});

describe('panel message', () => {
  it('setupAction is accepted for the known actions only', () => {
    expect(parseWebviewMessage({ type: 'setupAction', action: 'retry' })).toEqual({ type: 'setupAction', action: 'retry' });
    expect(parseWebviewMessage({ type: 'setupAction', action: 'rm -rf' })).toBeUndefined();
    expect(parseWebviewMessage({ type: 'setupAction' })).toBeUndefined();
  });
});

describe('status bar during set-up', () => {
  it('says "Setting up…" while installing and opens the panel; back to the cost after', () => {
    const item = { text: '', tooltip: '', command: '', show: vi.fn(), hide: vi.fn(), dispose: vi.fn(), name: '' };
    window.createStatusBarItem.mockReturnValue(item as never);
    const status = new EventEmitter<{ state: string }>();
    const sidecar = { status: { state: 'error', message: 'No usable Python interpreter (see the logs).' }, onStatus: status.event, request: vi.fn() };
    const model = new TelemetryModel(sidecar as unknown as Sidecar, 'today');
    const states = new EventEmitter<SetupView | undefined>();
    const setup = { state: undefined as SetupView | undefined, onState: states.event };
    createStatusBar(model, sidecar as unknown as Sidecar, setup);
    expect(item.command).toBe('empathy.showLogs');
    setup.state = installingState('Step 2 of 2: installing empathy-monitor 0.1.0', 'create');
    states.fire(setup.state);
    expect(item.text).toBe('$(sync~spin) Setting up…');
    expect(item.tooltip).toBe('Empathy Telemetry: Step 2 of 2: installing empathy-monitor 0.1.0');
    expect(item.command).toBe('empathy.openPanel');
    setup.state = cancelledState();
    states.fire(setup.state);
    expect(item.text).toBe('$(warning) Empathy');
    setup.state = undefined;
    sidecar.status = { state: 'ready', message: '' };
    states.fire(undefined);
    expect(item.text).toBe('$(pulse) Empathy');
  });
});
