/**
 * Text from telemetry, alerts.yaml or the sidecar, made plain for VS Code's own UI.
 *
 * Workflow names, rule names, paths and error texts are written by whoever writes the JSONL or the
 * YAML. VS Code gives some of its surfaces a little markup, checked against the workbench of
 * VS Code 1.139 (code-server 4.139.1):
 * - notification text, dialog text and quick-input messages turn `[label](command:…|https://…|file:…)`
 *   into a link that runs the command with its arguments when clicked (`parseLinkedText`);
 * - quick-pick labels, descriptions and details, and quick-input messages, render `$(name)` as an icon;
 * - a status-bar tooltip given as a string is set as `textContent`: already plain, so it stays a string;
 * - the output channel shows each log call as lines of text: a newline in a name would forge a line.
 * Every such string passes through one of the functions below before it is shown.
 */
import * as vscode from 'vscode';

/** U+2060 WORD JOINER: invisible, no line break, and enough to stop `](` from reading as a link. */
const JOINER = '\u2060';

/** Notification and dialog text: every `](` is broken, so no `[x](command:…)` becomes a link. */
export function noLinks(text: string): string {
  return text.replace(/\]\(/g, `]${JOINER}(`);
}

/** Quick-pick label, description or detail: `$(name)` is shown as typed, not as an icon. */
export function noIcons(text: string): string {
  // VS Code's own escape: a backslash before `$(` renders the rest literally (and drops the backslash).
  return text.replace(/\$\(/g, '\\$(');
}

/** A quick-input prompt or validation message: links and icons both render there. */
export function promptText(text: string): string {
  return noIcons(noLinks(text));
}

/** One line for the output channel: newlines and other control characters become visible escapes. */
export function logText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

export type MessageLevel = 'info' | 'warning' | 'error';

/**
 * `show{Information,Warning,Error}Message` with the text, the modal detail and the button titles made
 * plain. Resolves to the original title of the button the user picked (titles from the sidecar may
 * differ from what was shown), or undefined.
 */
export async function showMessage(
  level: MessageLevel,
  message: string,
  options: vscode.MessageOptions | undefined,
  ...items: string[]
): Promise<string | undefined> {
  const show =
    level === 'error'
      ? vscode.window.showErrorMessage
      : level === 'warning'
        ? vscode.window.showWarningMessage
        : vscode.window.showInformationMessage;
  const shown = items.map(noLinks);
  const opts = options && { ...options, ...(options.detail === undefined ? {} : { detail: noLinks(options.detail) }) };
  const choice = opts ? await show(noLinks(message), opts, ...shown) : await show(noLinks(message), ...shown);
  const i = choice === undefined ? -1 : shown.indexOf(choice);
  return i < 0 ? undefined : items[i];
}

export const notify = {
  info: (message: string, ...items: string[]): Promise<string | undefined> => showMessage('info', message, undefined, ...items),
  warn: (message: string, ...items: string[]): Promise<string | undefined> => showMessage('warning', message, undefined, ...items),
  error: (message: string, ...items: string[]): Promise<string | undefined> => showMessage('error', message, undefined, ...items),
};

/**
 * Telemetry text for a hover's plain-text code block (`{ language, value }`): VS Code wraps it in a
 * ``` fence, so a run of backticks is broken up (no line can close the fence and turn what follows
 * into markdown); other control characters become visible escapes, newlines stay.
 */
export function codeBlockText(text: string): string {
  return text
    .split('\n')
    .map((line) => logText(line).replace(/`/g, `\`${JOINER}`))
    .join('\n');
}

/** A CodeLens title: one line, and `$(name)` shown as typed rather than as an icon. */
export function lensTitle(text: string): string {
  return noIcons(logText(text));
}
