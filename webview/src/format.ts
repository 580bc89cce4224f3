/**
 * Formatting only: numbers arrive computed by the sidecar and leave as strings.
 *
 * Locale is fixed to en-US so the panel, the CLI and the end-to-end tests agree on "1,234" and "$1.23".
 */
import type { Delta } from './protocol';

const LOCALE = 'en-US';
const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const usd2 = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usd4 = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'USD', minimumFractionDigits: 4, maximumFractionDigits: 4 });
const compact = new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 });
const oneDecimal = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export const DASH = '—';

/** "$1.23"; sub-cent amounts keep four decimals ("$0.0042") so cheap calls are not shown as $0.00. */
export function formatCost(value: number | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  if (value !== 0 && Math.abs(value) < 0.01) return usd4.format(value);
  return usd2.format(value);
}

/**
 * A breakdown's cost with its unpriced calls (their cost is not in it): "unpriced" when every call
 * is, "$1.23 + 4 unpriced" when some are, never a bare "$0.00" for calls nobody priced.
 */
export function formatPricedCost(cost: number, calls: number, unpriced: number): string {
  if (unpriced <= 0) return formatCost(cost);
  if (unpriced >= calls) return 'unpriced';
  return `${formatCost(cost)} + ${formatCount(unpriced)} unpriced`;
}

/** A single call's cost: four decimals below a dollar ("$0.0123"), since calls are usually cheap. */
export function formatCallCost(value: number | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  return Math.abs(value) < 1 ? usd4.format(value) : usd2.format(value);
}

/** "1,234". */
export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : integer.format(value);
}

/** "1 call", "2 calls", "1,234 retries": the count and the word that agrees with it. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** Names of any length in a fixed space: at most `max` characters, cut with "…" (the full text goes in a title). */
export function ellipsize(text: string, max = 60): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** "12.3K", "4.5M" — for token counts in tight spaces (the exact number goes in a title). */
export function formatCompact(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : compact.format(value);
}

/** "97.5%" from a percent value (0–100). */
export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : `${oneDecimal.format(value)}%`;
}

/** "812 ms" below a second, "2.10 s" above. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return DASH;
  if (Math.abs(ms) < 1000) return `${integer.format(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** "just now", "42s ago", "2m ago", "3h ago", "5d ago"; a future timestamp (clock skew) is "just now". */
export function formatTimeAgo(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return DASH;
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return DASH;
  const seconds = Math.floor((nowMs - then) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.floor(hours / 24)}d ago`;
}

/** Full local date-time for titles and tables. */
export function formatDateTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toLocaleString(LOCALE);
}

/** Short axis label for an ISO hour ("Nov 20, 14:00") or a date ("Nov 20"). */
export function formatBucketLabel(isoOrDate: string, byHour: boolean): string {
  // Date.parse accepts almost anything ("week 3" is a date to V8): only format ISO-looking input.
  const t = /^\d{4}-\d{2}-\d{2}/.test(isoOrDate) ? Date.parse(isoOrDate) : Number.NaN;
  if (Number.isNaN(t)) return isoOrDate;
  if (byHour) {
    return new Date(t).toLocaleString(LOCALE, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  }
  // A bare "YYYY-MM-DD" is a calendar day: format it in UTC so the day never shifts.
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(isoOrDate);
  return new Date(t).toLocaleDateString(LOCALE, { month: 'short', day: 'numeric', ...(dateOnly ? { timeZone: 'UTC' } : {}) });
}

export type DeltaKind = 'cost' | 'count' | 'percent' | 'latency';

export interface DeltaText {
  text: string;
  direction: 'up' | 'down' | 'flat' | 'none';
}

/**
 * A delta the sidecar computed (`snapshot.deltas`), as display text: rates in percentage points
 * (`change`), everything else as the relative change (`percent`). No arithmetic happens here.
 *
 * "new" means the previous period had none of it: a count that was 0 (`previous: 0`, no `percent`),
 * or a rate or latency without a value then (`previous: null`) that has one now. The caller passes
 * `current` only when the previous period existed and was empty (its calls delta has `previous: 0`),
 * so every card says the same thing then, while a range without a previous period stays "—".
 */
export function formatDelta(kind: DeltaKind, delta: Delta | null | undefined, current?: number | null): DeltaText {
  if (delta && delta.previous === null && current !== undefined && current !== null) return { text: 'new', direction: 'up' };
  if (!delta || delta.change === null) return { text: DASH, direction: 'none' };
  const { change } = delta;
  const direction = change > 0 ? 'up' : change < 0 ? 'down' : 'flat';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  if (kind === 'percent') return { text: `${sign}${oneDecimal.format(Math.abs(change))} pp`, direction };
  if (delta.percent !== null) return { text: `${sign}${oneDecimal.format(Math.abs(delta.percent))}%`, direction };
  // No relative change: the previous period had none of it.
  if (delta.previous === 0) return { text: change === 0 ? '±0%' : 'new', direction };
  return { text: DASH, direction: 'none' };
}

/** Last path segment, for compact file labels (the full path goes in a title). */
export function basename(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}
