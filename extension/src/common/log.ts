/** The one log channel of the extension; the language client writes to it too. */
import * as vscode from 'vscode';
import { logText } from './plainText';

let channel: vscode.LogOutputChannel | undefined;

export function createLog(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Empathy Telemetry', { log: true });
  return channel;
}

/** The error on one line (its message may carry telemetry text), then its own stack frames. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return logText(String(err));
  const frames = (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  return [logText(`${err.name}: ${err.message}`), ...frames].join('\n');
}

// Messages embed names from telemetry: each call stays one line (no forged log lines, no escapes).
export const log = {
  info: (msg: string): void => channel?.info(logText(msg)),
  warn: (msg: string): void => channel?.warn(logText(msg)),
  debug: (msg: string): void => channel?.debug(logText(msg)),
  error: (msg: string, err?: unknown): void =>
    channel?.error(err === undefined ? logText(msg) : `${logText(msg)}: ${describe(err)}`),
  show: (): void => channel?.show(true),
};
