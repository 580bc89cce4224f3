/** A small stand-in for the `vscode` module: enough surface for the extension's modules. */
import * as path from 'node:path';
import { vi } from 'vitest';

export class Disposable {
  constructor(private readonly fn: () => void = () => undefined) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export class EventEmitter<T> {
  private listeners = new Set<(e: T) => void>();
  event = (listener: (e: T) => void): Disposable => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(e: T): void {
    [...this.listeners].forEach((l) => l(e));
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  get path(): string {
    return this.fsPath;
  }
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(s: string): Uri {
    const m = /^([a-zA-Z][\w+.-]*):\/\/(.*)$/.exec(s);
    if (!m) return new Uri('file', s);
    return new Uri(m[1], decodeURIComponent(m[2].replace(/^[^/]*/, '')));
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, path.join(base.fsPath, ...parts));
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
export class Range {
  constructor(
    readonly start: Position,
    readonly end: Position,
  ) {}
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
}
export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}
export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}

export enum ProgressLocation {
  Notification = 15,
}

export const config: Record<string, unknown> = {};

function logChannel() {
  return { info: vi.fn(), warn: vi.fn(), error: vi.fn(), debug: vi.fn(), show: vi.fn(), dispose: vi.fn() };
}

export const window = {
  visibleTextEditors: [] as { document: unknown }[],
  createOutputChannel: vi.fn(() => logChannel()),
  createStatusBarItem: vi.fn(() => ({ show: vi.fn(), hide: vi.fn(), dispose: vi.fn(), text: '' })),
  createWebviewPanel: vi.fn(),
  registerWebviewPanelSerializer: vi.fn(() => new Disposable()),
  showInformationMessage: vi.fn(() => Promise.resolve(undefined)),
  showErrorMessage: vi.fn(() => Promise.resolve(undefined)),
  showWarningMessage: vi.fn(() => Promise.resolve(undefined)),
  showTextDocument: vi.fn(() => Promise.resolve(undefined)),
  showSaveDialog: vi.fn(() => Promise.resolve(undefined)),
  showQuickPick: vi.fn((): Promise<unknown> => Promise.resolve(undefined)),
  showInputBox: vi.fn((): Promise<string | undefined> => Promise.resolve(undefined)),
  withProgress: vi.fn((_o: unknown, task: (p: unknown, t: unknown) => unknown) =>
    task({ report: vi.fn() }, { onCancellationRequested: () => new Disposable() }),
  ),
};

export const workspace = {
  workspaceFolders: undefined as { uri: Uri; name: string; index: number }[] | undefined,
  getConfiguration: vi.fn((section: string) => ({
    get: <T>(key: string, dflt: T): T => (`${section}.${key}` in config ? (config[`${section}.${key}`] as T) : dflt),
  })),
  openTextDocument: vi.fn((uri: Uri) => Promise.resolve({ uri, lineCount: 100 })),
  onDidChangeConfiguration: vi.fn(() => new Disposable()),
  isTrusted: true,
  trustListeners: [] as (() => void)[],
  onDidGrantWorkspaceTrust: vi.fn((l: () => void) => {
    workspace.trustListeners.push(l);
    return new Disposable(() => workspace.trustListeners.splice(workspace.trustListeners.indexOf(l), 1));
  }),
};

export const commands = {
  registerCommand: vi.fn(() => new Disposable()),
  executeCommand: vi.fn(() => Promise.resolve(undefined)),
};

export const extensions = {
  getExtension: vi.fn(() => undefined),
};

// -- code lenses and hovers (extension/src/lens) --------------------------------------------
export class CodeLens {
  constructor(
    readonly range: Range,
    readonly command?: { title: string; command: string; tooltip?: string; arguments?: unknown[] },
  ) {}
}

export class Hover {
  constructor(
    readonly contents: { language: string; value: string }[],
    readonly range?: Range,
  ) {}
}

export const languages = {
  registerCodeLensProvider: vi.fn(() => new Disposable()),
  registerHoverProvider: vi.fn(() => new Disposable()),
};
