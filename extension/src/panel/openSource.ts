/**
 * Opens a file the panel asked for, beside the panel, at a line; only files inside the workspace
 * folders (after resolving symlinks) are ever opened.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { log } from '../common/log';
import { Methods, type ResolveSourceParams } from '@protocol';
import type { Requester } from '../sidecar/client';

export interface OpenResult {
  opened: boolean;
  message?: string;
}

async function realpath(p: string): Promise<string | undefined> {
  try {
    return await fs.promises.realpath(p);
  } catch {
    return undefined;
  }
}

export function isWithin(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' ? false : !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The real path of `file` if it exists inside one of `roots` (also real paths), else undefined. */
export async function insideWorkspace(file: string, roots: readonly string[]): Promise<string | undefined> {
  if (!path.isAbsolute(file)) return undefined;
  const real = await realpath(file);
  if (!real) return undefined;
  for (const root of roots) {
    const realRoot = await realpath(root);
    if (realRoot && isWithin(realRoot, real)) return real;
  }
  return undefined;
}

function workspaceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? [])
    .filter((f) => f.uri.scheme === 'file')
    .map((f) => f.uri.fsPath);
}

function toFsPath(uriOrPath: string): string {
  if (/^[a-zA-Z][\w+.-]*:\/\//.test(uriOrPath)) {
    const uri = vscode.Uri.parse(uriOrPath, true);
    return uri.scheme === 'file' ? uri.fsPath : '';
  }
  return uriOrPath;
}

/** Opens `file` at 1-based `line` beside the panel, if it is a workspace file. */
export async function openFileAt(file: string, line: number): Promise<OpenResult> {
  const fsPath = toFsPath(file);
  const real = fsPath ? await insideWorkspace(fsPath, workspaceRoots()) : undefined;
  if (!real) {
    log.warn(`refused to open ${file}: not a file inside the workspace`);
    return { opened: false, message: `Not opened: ${file} is not a file inside this workspace.` };
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(real));
  const lineIdx = Math.min(Math.max(0, line - 1), Math.max(0, doc.lineCount - 1));
  const pos = new vscode.Position(lineIdx, 0);
  await vscode.window.showTextDocument(doc, {
    viewColumn: vscode.ViewColumn.Beside,
    selection: new vscode.Range(pos, pos),
    preserveFocus: false,
  });
  return { opened: true };
}

export type SourceResolver = Requester;

/**
 * Asks the sidecar where a workflow (or one call) lives in the source, then opens it. A call
 * without a workflow is resolved by its `callId` alone (`workflowName` is left out).
 */
export async function openSource(sidecar: SourceResolver, params: ResolveSourceParams): Promise<OpenResult> {
  // Only the contract's keys: the sidecar rejects anything extra.
  const clean: ResolveSourceParams = {};
  if (params.workflowName) clean.workflowName = params.workflowName;
  if (params.stepName) clean.stepName = params.stepName;
  if (params.callId) clean.callId = params.callId;
  if (!clean.workflowName && !clean.callId) return { opened: false, message: 'No source to open: the call names no workflow.' };
  const res = await sidecar.request(Methods.resolveSource, clean);
  if (res.uri === null) {
    const what = clean.workflowName ? `workflow "${clean.workflowName}"` : 'this call';
    return { opened: false, message: `No source found for ${what}: ${res.reason}` };
  }
  return openFileAt(res.uri, res.line);
}
