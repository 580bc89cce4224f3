/**
 * The runtime of the protocol guards: tiny combinators that `scripts/gen_protocol` composes into
 * guards.generated.ts (one guard per protocol model), and that the panel messages use.
 *
 * Each guard is a `(value: unknown) => value is T`. Objects allow extra keys (forward compatible);
 * everything else the schema says (types, integers, bounds, enums, nullables, unions) is checked.
 */

export type Guard<T> = (value: unknown) => value is T;

/** One guard per key of T: the shape an object guard checks. */
export type Fields<T> = { [K in keyof T]-?: Guard<T[K]> };

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
export const int: Guard<number> = (v): v is number => typeof v === 'number' && Number.isInteger(v);
export const bool: Guard<boolean> = (v): v is boolean => typeof v === 'boolean';
export const isNull: Guard<null> = (v): v is null => v === null;

/** Any value (a schema node without a type). */
export function anything(value: unknown): value is unknown {
  void value;
  return true;
}

/** A number within [min, max] (either bound may be null). */
export function bounded(g: Guard<number>, min: number | null, max: number | null): Guard<number> {
  return (v): v is number => g(v) && (min === null || v >= min) && (max === null || v <= max);
}

export function minLength(g: Guard<string>, n: number): Guard<string> {
  return (v): v is string => g(v) && v.length >= n;
}

export function nullable<T>(g: Guard<T>): Guard<T | null> {
  return (v): v is T | null => v === null || g(v);
}

/** An optional key: absent or undefined, else it must pass `g`. */
export function optional<T>(g: Guard<T>): Guard<T | undefined> {
  return (v): v is T | undefined => v === undefined || g(v);
}

export function literal<const L extends readonly (string | number | boolean)[]>(...values: L): Guard<L[number]> {
  return (v): v is L[number] => (values as readonly unknown[]).includes(v);
}

type Guarded<G> = G extends Guard<infer T> ? T : never;

/** Any of the guards; the failure path of a branch that did not match is dropped. */
export function union<const G extends readonly Guard<unknown>[]>(...guards: G): Guard<Guarded<G[number]>> {
  return (v): v is Guarded<G[number]> => {
    const saved = failurePath;
    for (const g of guards) {
      failurePath = [];
      if (g(v)) {
        failurePath = saved;
        return true;
      }
    }
    failurePath = saved;
    return false;
  };
}

export function arr<T>(g: Guard<T>): Guard<T[]> {
  return (v): v is T[] => Array.isArray(v) && v.every((item, i) => g(item) || failAt(i));
}

export function rec<T>(g: Guard<T>): Guard<Record<string, T>> {
  return (v): v is Record<string, T> =>
    isRecordObject(v) && Object.entries(v).every(([key, item]) => g(item) || failAt(key));
}

/** Object guard: every listed key must pass its guard; extra keys are allowed (forward compatible). */
export function obj<T>(shape: Fields<T>): Guard<T> {
  const entries = Object.entries(shape) as [string, Guard<unknown>][];
  return (v): v is T => isRecordObject(v) && entries.every(([key, g]) => g(v[key]) || failAt(key));
}
