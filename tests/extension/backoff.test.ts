import { describe, expect, it } from 'vitest';
import { Backoff } from '../../extension/src/sidecar/backoff';

describe('Backoff', () => {
  it('doubles up to the cap', () => {
    const b = new Backoff(500, 4000, 30000, () => 0);
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([500, 1000, 2000, 4000, 4000]);
  });
  it('starts over after a stable run', () => {
    let now = 0;
    const b = new Backoff(500, 30000, 30000, () => now);
    b.next();
    b.next();
    b.started();
    now = 31000;
    expect(b.next()).toBe(500);
  });
  it('keeps growing when runs are short', () => {
    let now = 0;
    const b = new Backoff(500, 30000, 30000, () => now);
    b.next();
    b.started();
    now = 1000;
    expect(b.next()).toBe(1000);
  });
});
