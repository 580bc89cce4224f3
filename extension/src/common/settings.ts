/** Reads the `empathy.*` settings (their schema is `contributes.configuration` in package.json). */
import * as vscode from 'vscode';
import { RANGES, type InitializationOptions, type Range } from '../protocol';

export interface EmpathySettings extends InitializationOptions {
  pythonPath: string;
  defaultRange: Range;
}

/** Settings whose change requires a sidecar restart. */
export const RESTART_KEYS = [
  'empathy.pythonPath',
  'empathy.telemetryDirs',
  'empathy.naiveTimezone',
  'empathy.activityLimit',
  'empathy.debounceMs',
] as const;

export function readSettings(): EmpathySettings {
  const cfg = vscode.workspace.getConfiguration('empathy');
  const range = cfg.get<string>('defaultRange', '7d');
  return {
    pythonPath: cfg.get<string>('pythonPath', '').trim(),
    telemetryDirs: cfg.get<string[]>('telemetryDirs', []).filter((d) => typeof d === 'string'),
    naiveTimezone: cfg.get<string>('naiveTimezone', 'local'),
    activityLimit: cfg.get<number>('activityLimit', 20),
    debounceMs: cfg.get<number>('debounceMs', 50),
    defaultRange: (RANGES as readonly string[]).includes(range) ? (range as Range) : '7d',
  };
}

export function initializationOptions(s: EmpathySettings): InitializationOptions {
  return {
    telemetryDirs: s.telemetryDirs,
    naiveTimezone: s.naiveTimezone,
    activityLimit: s.activityLimit,
    debounceMs: s.debounceMs,
  };
}
