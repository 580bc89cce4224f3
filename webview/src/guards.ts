/**
 * Tiny runtime type guards used to validate every message the extension sends.
 *
 * Each guard is a `(value: unknown) => value is T`; combinators build object, array and record
 * guards from them so the shape checks in messages.ts read like the contract.
 */

export type Guard<T> = (value: unknown) => value is T;

/**
 * Where the last failed check failed ("snapshot.recent_calls.3.cost"), built while the combinators
 * unwind, so a warning can say which field broke instead of only "malformed".
 */
let failurePath: string[] = [];

export function resetFailurePath(): void {
  failurePath = [];
}

export function lastFailurePath(): string {
  return failurePath.join('.');
}

export function failAt(key: string | number): false {
  failurePath.unshift(String(key));
  return false;
}

export const isRecordObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const str: Guard<string> = (v): v is string => typeof v === 'string';
export const num: Guard<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v);
export const bool: Guard<boolean> = (v): v is boolean => typeof v === 'boolean';

export function nullable<T>(g: Guard<T>): Guard<T | null> {
  return (v): v is T | null => v === null || g(v);
}

/** An optional key: absent or undefined, else it must pass `g`. */
export function optional<T>(g: Guard<T>): Guard<T | undefined> {
  return (v): v is T | undefined => v === undefined || g(v);
}

export function literal<const L extends readonly (string | number | boolean)[]>(
  ...values: L
): Guard<L[number]> {
  return (v): v is L[number] => (values as readonly unknown[]).includes(v);
}

export function arr<T>(g: Guard<T>): Guard<T[]> {
  return (v): v is T[] => Array.isArray(v) && v.every((item, i) => g(item) || failAt(i));
}

export function rec<T>(g: Guard<T>): Guard<Record<string, T>> {
  return (v): v is Record<string, T> =>
    isRecordObject(v) && Object.entries(v).every(([key, item]) => g(item) || failAt(key));
}

type Shape<T> = { [K in keyof T]-?: Guard<T[K]> };

/** Object guard: every listed key must pass its guard; extra keys are allowed (forward compatible). */
export function obj<T>(shape: Shape<T>): Guard<T> {
  const entries = Object.entries(shape) as [string, Guard<unknown>][];
  return (v): v is T => isRecordObject(v) && entries.every(([key, g]) => g(v[key]) || failAt(key));
}
