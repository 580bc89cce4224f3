import { describe, expect, it } from 'vitest';
import {
  basename,
  formatBucketLabel,
  formatCallCost,
  formatCompact,
  formatCost,
  formatCount,
  formatDateTime,
  formatDelta,
  formatLatency,
  formatPercent,
  formatTimeAgo,
} from '../../webview/src/format';

describe('format', () => {
  it('cost', () => {
    expect(formatCost(1.234)).toBe('$1.23');
    expect(formatCost(1234.5)).toBe('$1,234.50');
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(0.0042)).toBe('$0.0042');
    expect(formatCost(null)).toBe('—');
    expect(formatCallCost(0.0123)).toBe('$0.0123');
    expect(formatCallCost(2.5)).toBe('$2.50');
    expect(formatCallCost(null)).toBe('—');
  });
  it('counts, compact, percent', () => {
    expect(formatCount(1234)).toBe('1,234');
    expect(formatCount(undefined)).toBe('—');
    expect(formatCompact(1_523_400)).toBe('1.5M');
    expect(formatCompact(null)).toBe('—');
    expect(formatPercent(97.5)).toBe('97.5%');
    expect(formatPercent(null)).toBe('—');
  });
  it('latency', () => {
    expect(formatLatency(812.4)).toBe('812 ms');
    expect(formatLatency(2100)).toBe('2.10 s');
    expect(formatLatency(null)).toBe('—');
  });
  it('time ago', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(formatTimeAgo('2026-11-27T12:00:03Z', now)).toBe('just now');
    expect(formatTimeAgo('2026-11-27T11:59:30Z', now)).toBe('30s ago');
    expect(formatTimeAgo('2026-11-27T11:58:00Z', now)).toBe('2m ago');
    expect(formatTimeAgo('2026-11-27T09:00:00Z', now)).toBe('3h ago');
    expect(formatTimeAgo('2026-11-20T12:00:00Z', now)).toBe('7d ago');
    expect(formatTimeAgo('not a date', now)).toBe('—');
    expect(formatTimeAgo(null, now)).toBe('—');
  });
  it('dates and labels', () => {
    expect(formatDateTime('nope')).toBe('nope');
    expect(formatDateTime('2026-11-27T12:00:00Z')).toMatch(/2026/);
    expect(formatBucketLabel('2026-11-20', false)).toBe('Nov 20');
    expect(formatBucketLabel('2026-11-20T14:00:00Z', true)).toMatch(/^Nov 2\d, \d\d:00$/);
    expect(formatBucketLabel('week 3', false)).toBe('week 3');
  });
  it('delta: formats what the sidecar computed, never recomputes it', () => {
    expect(formatDelta('cost', { previous: 10, change: 2, percent: 20 })).toEqual({ text: '+20.0%', direction: 'up' });
    expect(formatDelta('count', { previous: 10, change: -2, percent: -20 })).toEqual({ text: '−20.0%', direction: 'down' });
    // Rates are shown in percentage points (change), not relative percent.
    expect(formatDelta('percent', { previous: 96, change: 1.5, percent: 1.5625 })).toEqual({ text: '+1.5 pp', direction: 'up' });
    expect(formatDelta('count', { previous: 5, change: 0, percent: 0 })).toEqual({ text: '±0.0%', direction: 'flat' });
    expect(formatDelta('count', { previous: 0, change: 5, percent: null })).toEqual({ text: 'new', direction: 'up' });
    expect(formatDelta('count', { previous: 0, change: 0, percent: null })).toEqual({ text: '±0%', direction: 'flat' });
    expect(formatDelta('latency', { previous: null, change: null, percent: null })).toEqual({ text: '—', direction: 'none' });
    expect(formatDelta('latency', { previous: 800, change: 5, percent: null })).toEqual({ text: '—', direction: 'none' });
    expect(formatDelta('latency', undefined)).toEqual({ text: '—', direction: 'none' });
    // A percent inconsistent with previous/change is shown as sent: Python owns the number.
    expect(formatDelta('cost', { previous: 10, change: 2, percent: 55.55 })).toEqual({ text: '+55.6%', direction: 'up' });
  });
  it('basename', () => {
    expect(basename('/a/b/llm_calls.jsonl')).toBe('llm_calls.jsonl');
    expect(basename('C:\\x\\y.jsonl')).toBe('y.jsonl');
    expect(basename('/')).toBe('/');
  });
});
