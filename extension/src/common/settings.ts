/** Reads the `empathy.*` settings (their schema is `contributes.configuration` in package.json). */
import * as vscode from 'vscode';
import { RANGES, type Range, type Settings } from '@protocol';

/** Settings sent as `initializationOptions`; the sidecar validates them into its `Settings`. */
export type InitializationOptions = Required<
  Pick<
    Settings,
    | 'telemetryDirs'
    | 'naiveTimezone'
    | 'activityLimit'
    | 'debounceMs'
    | 'retentionDays'
    | 'refreshFallbackSeconds'
    | 'alertActions'
  >
> &
  Partial<Pick<Settings, 'sources' | 'otlpReceiver' | 'otlpReceiverPort'>> & { telemetryDirs: string[]; project?: string };

/** The user settings (the opt-in ones are sent only when set: the sidecar's defaults are off);
 * `alertActions` is not one (it follows workspace trust). */
export interface EmpathySettings
  extends Omit<InitializationOptions, 'alertActions' | 'sources' | 'otlpReceiver' | 'otlpReceiverPort' | 'project'> {
  sources: string[];
  otlpReceiver: boolean;
  otlpReceiverPort: number;
  /** `empathy.project`: '' for the workspace folder's name (then not sent). */
  project: string;
  pythonPath: string;
  /** An explicit range, or '' to derive the opening range from `retentionDays`. */
  defaultRange: Range | '';
  /** Cost lenses and hovers on workflow definitions (shown once the sidecar runs). */
  'codeLens.enabled': boolean;
  /** The window the lenses report. */
  'codeLens.range': LensRange;
}

export type LensRange = 'today' | '7d' | '30d';
const LENS_RANGES: readonly string[] = ['today', '7d', '30d'];

/** Settings whose change requires a sidecar restart. */
export const RESTART_KEYS = [
  'empathy.pythonPath',
  'empathy.telemetryDirs',
  'empathy.project',
  'empathy.naiveTimezone',
  'empathy.activityLimit',
  'empathy.debounceMs',
  'empathy.retentionDays',
  'empathy.refreshFallbackSeconds',
  'empathy.sources',
  'empathy.otlpReceiver',
  'empathy.otlpReceiverPort',
] as const;

function finite(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}

export function readSettings(): EmpathySettings {
  const cfg = vscode.workspace.getConfiguration('empathy');
  const range = cfg.get<string>('defaultRange', '');
  return {
    pythonPath: cfg.get<string>('pythonPath', '').trim(),
    telemetryDirs: cfg.get<string[]>('telemetryDirs', []).filter((d) => typeof d === 'string'),
    project: (cfg.get<string>('project', '') ?? '').trim(),
    naiveTimezone: cfg.get<string>('naiveTimezone', 'local'),
    activityLimit: cfg.get<number>('activityLimit', 20),
    debounceMs: cfg.get<number>('debounceMs', 50),
    defaultRange: (RANGES as readonly string[]).includes(range) ? (range as Range) : '',
    retentionDays: finite(cfg.get<number>('retentionDays', 30), 30),
    refreshFallbackSeconds: finite(cfg.get<number>('refreshFallbackSeconds', 0), 0),
    sources: cfg.get<string[]>('sources', []).filter((d) => typeof d === 'string'),
    otlpReceiver: cfg.get<boolean>('otlpReceiver', false) === true,
    otlpReceiverPort: finite(cfg.get<number>('otlpReceiverPort', 4318), 4318),
    'codeLens.enabled': cfg.get<boolean>('codeLens.enabled', true) !== false,
    'codeLens.range': lensRange(cfg.get<string>('codeLens.range', '7d')),
  };
}

function lensRange(v: unknown): LensRange {
  return typeof v === 'string' && LENS_RANGES.includes(v) ? (v as LensRange) : '7d';
}

/** The range for `retentionDays` days of history (PANEL_CONTRACT.md, "Settings additions"). */
export function rangeForRetention(days: number): Range {
  if (days <= 1) return 'today';
  if (days <= 7) return '7d';
  if (days <= 30) return '30d';
  return 'all';
}

/** The range the panel opens with: `empathy.defaultRange` when set, else from `retentionDays`. */
export function initialRange(s: Pick<EmpathySettings, 'defaultRange' | 'retentionDays'>): Range {
  return s.defaultRange || rangeForRetention(s.retentionDays);
}

/**
 * What the sidecar gets as `initializationOptions`. `trusted` is `vscode.workspace.isTrusted`: in
 * an untrusted workspace the sidecar shows alerts but runs no action from the workspace's alerts.yaml.
 */
export function initializationOptions(s: EmpathySettings, trusted: boolean): InitializationOptions {
  return {
    telemetryDirs: s.telemetryDirs,
    ...(s.project ? { project: s.project } : {}),
    naiveTimezone: s.naiveTimezone,
    activityLimit: s.activityLimit,
    debounceMs: s.debounceMs,
    retentionDays: s.retentionDays,
    refreshFallbackSeconds: s.refreshFallbackSeconds,
    alertActions: trusted,
    // Opt-in sources and the receiver: sent only when the user turned them on.
    ...(s.sources.length ? { sources: s.sources } : {}),
    ...(s.otlpReceiver ? { otlpReceiver: true, otlpReceiverPort: s.otlpReceiverPort } : {}),
  };
}
