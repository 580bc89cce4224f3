/**
 * The one home of the TypeScript protocol: the webview imports it as `./protocol`, the extension as
 * `@protocol` (a tsconfig path, resolved by esbuild and vitest too).
 *
 * - protocol.generated.ts: every sidecar model, `Methods`, `Requests`, `Notifications`;
 * - guards.generated.ts: a runtime guard per model (`isSnapshot`, `SnapshotFields`, ...);
 * - messages.ts: the panel messages between extension and webview, and their guards;
 * - guard.ts: the combinators the guards are built from.
 *
 * The generated files come from python/empathy_monitor/sidecar/protocol.py via scripts/gen_protocol;
 * `scripts/gen_protocol --check` (part of scripts/check) fails when they drift.
 */
export * from './protocol.generated';
export * from './guards.generated';
export * from './messages';
export * from './setup';
export { isRecordObject, type Guard } from './guard';
