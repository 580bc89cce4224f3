// One install at a time: the in-process join and the lock file with its stale rule (real files).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isStale, readLock, STALE_MS, tryAcquire, withInstallLock } from '../../extension/src/setup/lock';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'empathy-lock-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const lockPath = (): string => path.join(tmp, `lock-${++n}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('withInstallLock', () => {
  it('two concurrent requests run one install; the second joins it', async () => {
    const file = lockPath();
    let runs = 0;
    const task = async (): Promise<string> => {
      runs++;
      expect(readLock(file)?.pid).toBe(process.pid);
      await sleep(30);
      return 'done';
    };
    const [a, b] = await Promise.all([withInstallLock(file, task), withInstallLock(file, task)]);
    expect(runs).toBe(1);
    expect(a).toEqual({ kind: 'ran', value: 'done' });
    expect(b).toEqual({ kind: 'joined', value: 'done' });
    expect(fs.existsSync(file)).toBe(false);
  });

  it('a later request after the first finished runs again', async () => {
    const file = lockPath();
    let runs = 0;
    await withInstallLock(file, async () => ++runs);
    await withInstallLock(file, async () => ++runs);
    expect(runs).toBe(2);
  });

  it('releases the lock file when the install throws', async () => {
    const file = lockPath();
    await expect(withInstallLock(file, async () => Promise.reject(new Error('pip failed')))).rejects.toThrow('pip failed');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('waits for another window holding the lock, then does not install itself', async () => {
    const file = lockPath();
    // Our parent process stands for the other window: alive, same host.
    fs.writeFileSync(file, JSON.stringify({ pid: process.ppid, host: os.hostname(), startedAt: Date.now() }));
    let waiting = 0;
    let runs = 0;
    const pending = withInstallLock(file, async () => ++runs, { onWaiting: () => waiting++, pollMs: 10 });
    await sleep(50);
    expect(waiting).toBe(1);
    fs.rmSync(file);
    expect(await pending).toEqual({ kind: 'otherWindow' });
    expect(runs).toBe(0);
  });

  it('stops waiting when cancelled', async () => {
    const file = lockPath();
    fs.writeFileSync(file, JSON.stringify({ pid: process.ppid, host: os.hostname(), startedAt: Date.now() }));
    let cancelled = false;
    const pending = withInstallLock(file, async () => 1, { isCancelled: () => cancelled, pollMs: 10 });
    cancelled = true;
    expect(await pending).toEqual({ kind: 'otherWindow' });
    expect(fs.existsSync(file)).toBe(true);
  });
});

describe('the stale-lock rule', () => {
  it('a lock of a process that is gone (same host) is stale and taken over', async () => {
    const file = lockPath();
    fs.writeFileSync(file, JSON.stringify({ pid: 4_000_000, host: os.hostname(), startedAt: Date.now() }));
    expect(isStale(file)).toBe(true);
    let runs = 0;
    expect(await withInstallLock(file, async () => ++runs)).toEqual({ kind: 'ran', value: 1 });
  });

  it('a lock older than STALE_MS is stale even when its process lives (another host)', () => {
    const file = lockPath();
    const now = Date.now();
    fs.writeFileSync(file, JSON.stringify({ pid: 1, host: 'other-host', startedAt: now - STALE_MS - 1 }));
    expect(isStale(file, now)).toBe(true);
    fs.writeFileSync(file, JSON.stringify({ pid: 1, host: 'other-host', startedAt: now - 1000 }));
    expect(isStale(file, now)).toBe(false);
    expect(tryAcquire(file, now)).toBe(false);
  });

  it('a live lock on this host is respected', () => {
    const file = lockPath();
    fs.writeFileSync(file, JSON.stringify({ pid: process.ppid, host: os.hostname(), startedAt: Date.now() }));
    expect(isStale(file)).toBe(false);
    expect(tryAcquire(file)).toBe(false);
  });

  it('an unreadable lock file is judged by its age', () => {
    const file = lockPath();
    fs.writeFileSync(file, '{"pid":');
    expect(isStale(file)).toBe(false);
    expect(isStale(file, Date.now() + STALE_MS + 1000)).toBe(true);
  });
});
