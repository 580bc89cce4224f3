/**
 * Sidecar wire protocol as seen by the extension (docs/dev/PANEL_CONTRACT.md).
 *
 * The shapes come from `protocol.generated.ts` (generated from the Python protocol module by
 * `scripts/gen_protocol`; nobody edits it). This file re-exports them and keeps only what is local
 * to the extension: the range list, the filter keys and a few friendlier aliases.
 */
import type { DidUpdateParams, Settings, Snapshot } from './protocol.generated';

export { Methods } from './protocol.generated';
export type {
  ActivityParams,
  AlertButton,
  AlertRuleStatus,
  AlertsStatus,
  CallRow,
  CheckAlertsResult,
  ClearHistoryResult,
  Delta,
  Deltas,
  DidFireAlertParams,
  ExportCsvParams,
  ExportCsvResult,
  Filters,
  GenerateDemoParams,
  GenerateDemoResult,
  Health,
  HealthFile,
  HealthProblem,
  InitAlertsParams,
  InitAlertsResult,
  Overview,
  RefreshResult,
  ResolveSourceParams,
  Snapshot,
  SnapshotParams,
  SourceLocation,
  SourceUnresolved,
  TestAlertResult,
  UndoClearHistoryResult,
} from './protocol.generated';
export type { ActivityResult as ActivityPage } from './protocol.generated';
import type { SourceLocation, SourceUnresolved } from './protocol.generated';

export type Range = 'today' | '7d' | '30d' | 'all';
export const RANGES: readonly Range[] = ['today', '7d', '30d', 'all'];

/** The filter keys the panel may send (the generated `Filters` has exactly these). */
export const FILTER_KEYS = ['workflow', 'provider', 'tier', 'model'] as const;

/** A `didUpdate` patch: the sections in `changed` replace the snapshot's. */
export interface SnapshotUpdate extends DidUpdateParams {
  changed: Partial<Omit<Snapshot, 'version'>> & Record<string, unknown>;
}

export type ResolveSourceResult = SourceLocation | SourceUnresolved;

/** Settings sent as `initializationOptions`; the sidecar validates them into its `Settings`. */
export type InitializationOptions = Required<
  Pick<
    Settings,
    'telemetryDirs' | 'naiveTimezone' | 'activityLimit' | 'debounceMs' | 'retentionDays' | 'refreshFallbackSeconds' | 'alertActions'
  >
> & { telemetryDirs: string[] };
