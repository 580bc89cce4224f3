/** The one log channel of the extension; the language client writes to it too. */
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function createLog(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Empathy Telemetry', { log: true });
  return channel;
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

export const log = {
  info: (msg: string): void => channel?.info(msg),
  warn: (msg: string): void => channel?.warn(msg),
  debug: (msg: string): void => channel?.debug(msg),
  error: (msg: string, err?: unknown): void =>
    channel?.error(err === undefined ? msg : `${msg}: ${describe(err)}`),
  show: (): void => channel?.show(true),
};
