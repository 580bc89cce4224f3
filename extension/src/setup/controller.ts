/**
 * Owns the set-up state: finds the interpreter, runs the one install at a time (create, or update
 * after an upgraded .vsix), checks the sidecar's version at `initialize`, and acts on the panel's
 * buttons. The panel and the status bar only show `state`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { log } from '../common/log';
import { notify } from '../common/plainText';
import { findInterpreter, primaryCandidate, privateEnvPython, probe, type Candidate, type Probe } from '../common/python';
import { bundledWheel } from '../common/pythonEnv';
import { installEnv, SetupCancelled, SetupFailed, shortPath, wheelVersion } from './install';
import { withInstallLock } from './lock';
import {
  cancelledState,
  failedState,
  installingState,
  problemState,
  sidecarTooOldState,
  versionVerdict,
  type SetupAction,
  type SetupView,
} from './state';

export interface SetupDeps {
  context: Pick<vscode.ExtensionContext, 'globalStorageUri' | 'extensionPath'> & {
    globalState?: Pick<vscode.Memento, 'get' | 'update'>;
  };
  pythonPath(): string;
  /** Called after the environment was created or updated: restart the sidecar. */
  onEnvironmentReady(): void;
}

export type InstallOutcome = 'ready' | 'cancelled' | 'failed';

/** globalState key: the interpreter whose too-old sidecar the user replaced by the private env. */
const PRIVATE_FOR = 'empathy.privateEnvFor';

class Cancellation {
  isCancellationRequested = false;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onCancellationRequested = this.emitter.event;
  cancel(): void {
    if (this.isCancellationRequested) return;
    this.isCancellationRequested = true;
    this.emitter.fire();
  }
}

export class SetupController implements vscode.Disposable {
  state: SetupView | undefined;
  /** The interpreter of the last successful resolve. */
  used: Candidate | undefined;
  /** The last interpreter that could not run the sidecar (the base for a new environment). */
  problem: Exclude<Probe, { kind: 'ok' }> | undefined;
  private readonly emitter = new vscode.EventEmitter<SetupView | undefined>();
  readonly onState = this.emitter.event;
  private cancellation: Cancellation | undefined;
  private tooOldFor: string | undefined;

  constructor(private readonly deps: SetupDeps) {}

  private setState(state: SetupView | undefined): void {
    this.state = state;
    this.emitter.fire(state);
  }

  get installing(): boolean {
    return this.state?.kind === 'installing';
  }

  /** The interpreter for the sidecar, or undefined with `state` saying why not. */
  async resolve(): Promise<string | undefined> {
    if (this.installing) return undefined;
    const storage = this.deps.context.globalStorageUri;
    const priv = privateEnvPython(storage);
    const preferPrivate = this.deps.context.globalState?.get<string>(PRIVATE_FOR);
    if (preferPrivate && fs.existsSync(priv)) {
      const primary = await primaryCandidate(this.deps.pythonPath());
      if (primary.command === preferPrivate) {
        const p = await probe({ command: priv, source: 'private-env' });
        if (p.kind === 'ok') return this.accept(p.candidate);
      }
    }
    const found = await findInterpreter(this.deps.pythonPath(), storage);
    if (found.kind === 'ok') return this.accept(found.candidate);
    this.problem = found;
    this.used = undefined;
    this.setState(problemState(found));
    return undefined;
  }

  private accept(c: Candidate): string {
    this.used = c;
    if (this.state?.kind !== 'sidecarTooOld' || this.tooOldFor !== c.command) this.setState(undefined);
    return c.command;
  }

  /** Checks the version the sidecar reported in `initialize` (serverInfo). */
  async checkServer(info: { name: string; version?: string } | undefined): Promise<void> {
    const used = this.used;
    if (!used) return;
    if (!info?.version) {
      log.warn(`the sidecar (${used.command}) reported no version at initialize`);
      return;
    }
    const wheel = bundledWheel(this.deps.context.extensionPath);
    const bundled = wheel ? wheelVersion(wheel) : undefined;
    const verdict = versionVerdict(used.source, info.version, bundled);
    log.info(`sidecar ${info.name} ${info.version} (${used.source}); bundled ${bundled ?? 'none'}: ${verdict}`);
    if (verdict === 'update') {
      await this.install('update');
    } else if (verdict === 'tooOld') {
      this.tooOldFor = used.command;
      this.setState(sidecarTooOldState(used.command, info.version));
    } else if (this.state?.kind === 'sidecarTooOld') {
      this.setState(undefined);
    }
  }

  async act(action: SetupAction): Promise<void> {
    switch (action) {
      case 'createEnv':
      case 'retry':
        if (action === 'retry' && this.state?.kind !== 'failed' && this.state?.kind !== 'cancelled') {
          // Nothing was being installed: "Retry" means look for the interpreter again.
          this.deps.onEnvironmentReady();
          return;
        }
        await this.install('create');
        return;
      case 'cancel':
        this.cancel();
        return;
      case 'chooseInterpreter':
        await this.chooseInterpreter();
        return;
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', 'empathy.pythonPath');
        return;
      case 'showLogs':
        log.show();
        return;
    }
  }

  cancel(): void {
    if (!this.cancellation) return;
    log.info('set-up: cancel requested');
    this.cancellation.cancel();
  }

  private async chooseInterpreter(): Promise<void> {
    if (vscode.extensions.getExtension('ms-python.python') && !this.deps.pythonPath()) {
      await vscode.commands.executeCommand('python.setInterpreter');
      return;
    }
    const picked = await vscode.window.showOpenDialog({
      title: 'Choose the Python interpreter for Empathy Telemetry',
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      openLabel: 'Use this interpreter',
    });
    const file = picked?.[0]?.fsPath;
    if (!file) return;
    // A settings change restarts the sidecar (RESTART_KEYS), which resolves the new interpreter.
    // `true`: the user (global) settings, so every workspace uses it.
    await vscode.workspace.getConfiguration('empathy').update('pythonPath', file, true);
  }

  /** Runs the install, or joins the one that runs; a second window waits for the first. */
  install(mode: 'create' | 'update'): Promise<InstallOutcome> {
    const storage = this.deps.context.globalStorageUri;
    fs.mkdirSync(storage.fsPath, { recursive: true });
    const lockFile = path.join(storage.fsPath, 'python-env.lock');
    if (this.installing) log.info('set-up: a second request joins the running install');
    const basePython =
      mode === 'update' || !this.problem ? (this.used?.command ?? this.problem?.candidate.command) : this.problem.candidate.command;
    const replacingFor = this.state?.kind === 'sidecarTooOld' ? this.tooOldFor : undefined;
    this.cancellation ??= new Cancellation();
    const cancellation = this.cancellation;
    const done = (): void => {
      if (this.cancellation === cancellation) this.cancellation = undefined;
    };
    return withInstallLock(
      lockFile,
      () => this.runInstall(mode, basePython ?? (process.platform === 'win32' ? 'python' : 'python3'), cancellation),
      {
        onWaiting: () => this.setState(installingState('Another VS Code window is setting up the environment; waiting for it…', mode)),
        isCancelled: () => cancellation.isCancellationRequested,
      },
    ).then(async (r) => {
      if (r.kind === 'otherWindow') {
        log.info('set-up: another window finished its install; looking for the interpreter again');
        this.setState(undefined);
        this.deps.onEnvironmentReady();
        return 'ready';
      }
      if (r.kind === 'ran' && r.value === 'ready' && replacingFor) {
        await this.deps.context.globalState?.update(PRIVATE_FOR, replacingFor);
        this.tooOldFor = undefined;
      }
      return r.value;
    }).finally(done);
  }

  private async runInstall(mode: 'create' | 'update', basePython: string, cancellation: Cancellation): Promise<InstallOutcome> {
    const storage = this.deps.context.globalStorageUri;
    this.setState(installingState('Starting…', mode));
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Empathy Telemetry: creating a Python environment', cancellable: true },
        async (progress, token) => {
          const sub = token.onCancellationRequested(() => cancellation.cancel());
          try {
            await installEnv({
              basePython,
              storage,
              extensionPath: this.deps.context.extensionPath,
              mode,
              token: cancellation,
              onProgress: (text) => {
                progress.report({ message: text });
                this.setState(installingState(text, mode));
              },
            });
          } finally {
            sub.dispose();
          }
        },
      );
      log.info(`set-up: environment ready (${shortPath(privateEnvPython(storage))})`);
      this.setState(undefined);
      void notify.info('Empathy Telemetry: Python environment ready.');
      this.deps.onEnvironmentReady();
      return 'ready';
    } catch (err) {
      if (err instanceof SetupCancelled) {
        log.info('set-up: Set-up cancelled');
        this.setState(cancelledState());
        void notify.info('Empathy Telemetry: Set-up cancelled.');
        return 'cancelled';
      }
      const failure =
        err instanceof SetupFailed
          ? err
          : new SetupFailed({ cause: 'unknown', summary: err instanceof Error ? err.message : String(err), fix: 'See the logs, then Retry.' }, 'set-up');
      log.error(`set-up failed (${failure.failure.cause}): ${failure.failure.summary} ${failure.failure.fix}`);
      this.setState(failedState(failure.failure, failure.step));
      void notify
        .error(`Empathy Telemetry: set-up failed. ${failure.failure.summary} ${failure.failure.fix}`, 'Retry', 'Show Logs')
        .then((c) => (c === 'Retry' ? this.act('retry') : c === 'Show Logs' ? log.show() : undefined));
      return 'failed';
    }
  }

  dispose(): void {
    this.cancellation?.cancel();
    this.emitter.dispose();
  }
}
