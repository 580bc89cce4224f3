/**
 * One install at a time: an in-process map (a second request in this window joins the running
 * install) and a lock file in the storage folder (a second window waits for the first).
 *
 * A lock file is stale when its process is gone (same host) or it is older than `STALE_MS`
 * (a crashed window on another host sharing the folder): it is then taken over.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

export const STALE_MS = 20 * 60_000;
const POLL_MS = 500;

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: number;
}

export type Locked<T> = { kind: 'ran'; value: T } | { kind: 'joined'; value: T } | { kind: 'otherWindow' };

const running = new Map<string, Promise<unknown>>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(file: string): LockInfo | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.startedAt === 'number') {
      return { pid: v.pid, host: v.host, startedAt: v.startedAt };
    }
  } catch {
    // unreadable or half-written: judged by its age below
  }
  return undefined;
}

/** Whether the lock in `file` may be taken over. */
export function isStale(file: string, now = Date.now(), isAlive = alive): boolean {
  const info = readLock(file);
  if (!info) {
    try {
      return now - fs.statSync(file).mtimeMs > STALE_MS;
    } catch {
      return true;
    }
  }
  if (now - info.startedAt > STALE_MS) return true;
  return info.host === os.hostname() && !isAlive(info.pid);
}

/** Creates the lock file if nobody holds it; true when it is ours. */
export function tryAcquire(file: string, now = Date.now(), isAlive = alive): boolean {
  const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: now };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(info), { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!isStale(file, now, isAlive)) return false;
      fs.rmSync(file, { force: true });
    }
  }
  return false;
}

export function release(file: string): void {
  const info = readLock(file);
  if (!info || (info.pid === process.pid && info.host === os.hostname())) fs.rmSync(file, { force: true });
}

export interface LockOptions {
  /** Called once when another window holds the lock and this one waits. */
  onWaiting?(): void;
  /** Stops waiting for another window (the caller then re-checks what that window built). */
  isCancelled?(): boolean;
  pollMs?: number;
}

/**
 * Runs `task` holding the lock `file`. A second call in this process while it runs gets the same
 * result (`joined`); when another window holds the file, this waits until it is released (or
 * stale) and returns `otherWindow` without running the task.
 */
export function withInstallLock<T>(file: string, task: () => Promise<T>, opts: LockOptions = {}): Promise<Locked<T>> {
  const current = running.get(file) as Promise<Locked<T>> | undefined;
  if (current) return current.then((r) => (r.kind === 'ran' ? { kind: 'joined', value: r.value } : r));
  const run = (async (): Promise<Locked<T>> => {
    if (!tryAcquire(file)) {
      opts.onWaiting?.();
      while (!tryAcquire(file)) {
        if (opts.isCancelled?.()) return { kind: 'otherWindow' };
        await new Promise((r) => setTimeout(r, opts.pollMs ?? POLL_MS));
      }
      release(file);
      return { kind: 'otherWindow' };
    }
    try {
      return { kind: 'ran', value: await task() };
    } finally {
      release(file);
    }
  })();
  running.set(file, run);
  const forget = (): void => {
    if (running.get(file) === run) running.delete(file);
  };
  run.then(forget, forget);
  return run;
}
