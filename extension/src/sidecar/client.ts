/**
 * Runs `<python> -m empathy_monitor sidecar` through vscode-languageclient over stdio.
 *
 * One serialized, debounced `restart()` serves every cause (settings, interpreter, command, crash);
 * a crash restarts with backoff and reports "reconnecting" meanwhile.
 */
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { log } from '../common/log';
import {
  Methods,
  type AlertsStatus,
  type BudgetsSection,
  type DidFireAlertParams,
  type Health,
  type Requests,
  type SnapshotUpdate,
} from '@protocol';
import type { InitializationOptions } from '../common/settings';
import { Backoff } from './backoff';

/** What callers need of the sidecar: one request, typed by its method (the generated `Requests`). */
export interface Requester {
  request<M extends keyof Requests>(method: M, params: Requests[M]['params']): Promise<Requests[M]['result']>;
}

export type SidecarState = 'starting' | 'ready' | 'reconnecting' | 'error' | 'stopped';
export interface SidecarStatus {
  state: SidecarState;
  message?: string;
}

export interface SidecarDeps {
  /** The interpreter to use, or undefined when there is none (the user has been told why). */
  resolvePython(): Promise<string | undefined>;
  initializationOptions(): InitializationOptions;
  channel: vscode.LogOutputChannel;
  cwd(): string | undefined;
}

const READY_TIMEOUT_MS = 60000;

export class Sidecar implements vscode.Disposable, Requester {
  private client: LanguageClient | undefined;
  private chain: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: { resolve: () => void }[] = [];
  private generation = 0;
  private closedGeneration = -1;
  private disposed = false;
  private readonly backoff = new Backoff();
  private readonly statusEmitter = new vscode.EventEmitter<SidecarStatus>();
  private readonly updateEmitter = new vscode.EventEmitter<SnapshotUpdate>();
  private readonly healthEmitter = new vscode.EventEmitter<Health>();
  private readonly alertFiredEmitter = new vscode.EventEmitter<DidFireAlertParams>();
  private readonly alertsEmitter = new vscode.EventEmitter<AlertsStatus>();
  private readonly budgetsEmitter = new vscode.EventEmitter<BudgetsSection>();
  status: SidecarStatus = { state: 'stopped' };

  readonly onStatus = this.statusEmitter.event;
  readonly onUpdate = this.updateEmitter.event;
  readonly onHealth = this.healthEmitter.event;
  /** `empathy/didFireAlert`: one alert fired or resolved. */
  readonly onAlertFired = this.alertFiredEmitter.event;
  /** `empathy/didChangeAlerts`: a rule's state changed. */
  readonly onAlertsChanged = this.alertsEmitter.event;
  /** `empathy/didChangeBudgets`: a budget's spend, forecast or level changed (or budgets.yaml did). */
  readonly onBudgetsChanged = this.budgetsEmitter.event;

  constructor(private readonly deps: SidecarDeps) {}

  /** What the running sidecar reported in its `initialize` result (name and version). */
  get serverInfo(): { name: string; version?: string } | undefined {
    return this.client?.initializeResult?.serverInfo;
  }

  /** Schedules a restart after `delayMs`; calls within the delay collapse into one. */
  restart(reason: string, delayMs = 300): Promise<void> {
    log.info(`sidecar restart requested: ${reason}`);
    if (this.timer) clearTimeout(this.timer);
    return new Promise((resolve) => {
      this.pending.push({ resolve });
      this.timer = setTimeout(() => {
        this.timer = undefined;
        const waiters = this.pending.splice(0);
        this.chain = this.chain
          .then(() => this.doRestart())
          .catch((err: unknown) => log.error('sidecar restart failed', err))
          .finally(() => waiters.forEach((w) => w.resolve()));
      }, delayMs);
    });
  }

  /** Sends a request once the sidecar is ready; params and result are typed by the method. */
  async request<M extends keyof Requests>(method: M, params: Requests[M]['params']): Promise<Requests[M]['result']> {
    const client = await this.whenReady();
    return client.sendRequest<Requests[M]['result']>(method, params);
  }

  private whenReady(): Promise<LanguageClient> {
    if (this.status.state === 'ready' && this.client) return Promise.resolve(this.client);
    if (this.status.state === 'error' && !this.timer) {
      return Promise.reject(new Error(this.status.message ?? 'the telemetry sidecar is not running'));
    }
    if (this.status.state === 'stopped' && !this.timer) void this.restart('request while stopped', 0);
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(() => {
        sub.dispose();
        reject(new Error('the telemetry sidecar did not become ready in time'));
      }, READY_TIMEOUT_MS);
      const sub = this.onStatus((s) => {
        if (s.state === 'ready' && this.client) {
          clearTimeout(timeout);
          sub.dispose();
          resolve(this.client);
        } else if (s.state === 'error') {
          clearTimeout(timeout);
          sub.dispose();
          reject(new Error(s.message ?? 'the telemetry sidecar is not running'));
        }
      });
    });
  }

  private setStatus(status: SidecarStatus): void {
    this.status = status;
    this.statusEmitter.fire(status);
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      if (client.isRunning()) await client.stop(3000);
    } catch (err) {
      log.warn(`sidecar stop: ${String(err)}`);
    }
    try {
      await client.dispose(1000);
    } catch {
      // already stopped: nothing left to release
    }
  }

  private async doRestart(): Promise<void> {
    const gen = ++this.generation;
    const reconnecting = this.status.state === 'reconnecting';
    await this.stopClient();
    if (this.disposed) return;
    if (!reconnecting) this.setStatus({ state: 'starting' });
    const python = await this.deps.resolvePython();
    if (!python) {
      this.setStatus({ state: 'error', message: 'No usable Python interpreter (see the logs).' });
      return;
    }
    const serverOptions: ServerOptions = {
      command: python,
      args: ['-m', 'empathy_monitor', 'sidecar'],
      options: { cwd: this.deps.cwd(), env: { ...process.env, PYTHONUNBUFFERED: '1' } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [],
      outputChannel: this.deps.channel,
      traceOutputChannel: this.deps.channel,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: this.deps.initializationOptions(),
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue, handled: true }),
        closed: () => {
          this.onClosed(gen);
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
    };
    const client = new LanguageClient('empathy.sidecar', 'Empathy Telemetry Sidecar', serverOptions, clientOptions);
    client.onNotification(Methods.didUpdate, (p: SnapshotUpdate) => this.updateEmitter.fire(p));
    client.onNotification(Methods.didChangeHealth, (h: Health) => this.healthEmitter.fire(h));
    client.onNotification(Methods.didFireAlert, (a: DidFireAlertParams) => this.alertFiredEmitter.fire(a));
    client.onNotification(Methods.didChangeAlerts, (a: AlertsStatus) => this.alertsEmitter.fire(a));
    client.onNotification(Methods.didChangeBudgets, (b: BudgetsSection) => this.budgetsEmitter.fire(b));
    this.client = client;
    try {
      await client.start();
    } catch (err) {
      log.error('sidecar failed to start', err);
      this.onClosed(gen);
      return;
    }
    if (gen !== this.generation || this.disposed || this.closedGeneration === gen) return;
    if (!client.isRunning()) {
      this.onClosed(gen);
      return;
    }
    log.info(`sidecar ready (${python})`);
    this.backoff.started();
    this.setStatus({ state: 'ready' });
  }

  /** The process went away without us asking: reconnect with backoff. */
  private onClosed(gen: number): void {
    if (gen !== this.generation || this.disposed || this.closedGeneration === gen) return;
    this.closedGeneration = gen;
    const delay = this.backoff.next();
    log.warn(`sidecar exited; restarting in ${delay} ms`);
    this.setStatus({ state: 'reconnecting', message: 'The telemetry sidecar stopped; reconnecting…' });
    void this.restart('crash', delay);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.stopClient();
    this.statusEmitter.dispose();
    this.updateEmitter.dispose();
    this.healthEmitter.dispose();
    this.alertFiredEmitter.dispose();
    this.alertsEmitter.dispose();
    this.budgetsEmitter.dispose();
  }
}
