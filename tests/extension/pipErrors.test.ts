// pip's failure causes and progress notes, read from real pip output (tests/fixtures/pip/README.md).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorLines, parsePipFailure, progressNote } from '../../extension/src/setup/pipErrors';

const fixture = (name: string): string => readFileSync(resolve(__dirname, '../fixtures/pip', name), 'utf8');

describe('parsePipFailure on real pip output', () => {
  it.each([
    ['unreachable.txt', 'indexUnreachable', 'The package index could not be reached.', 'PIP_INDEX_URL'],
    ['stalled.txt', 'indexUnreachable', 'The package index could not be reached.', 'offline .vsix'],
    ['proxy.txt', 'proxy', 'The proxy could not be reached', 'HTTPS_PROXY'],
    ['ssl.txt', 'ssl', 'certificate could not be verified', 'PIP_CERT'],
    ['nomatch.txt', 'noMatchingDistribution', 'no version of a required package', 'PIP_INDEX_URL'],
    ['nospace.txt', 'noSpace', 'The disk is full', 'Free some disk space'],
  ])('%s -> %s', (file, cause, summary, fix) => {
    const failure = parsePipFailure(fixture(file));
    expect(failure.cause).toBe(cause);
    expect(failure.summary).toContain(summary);
    expect(failure.fix).toContain(fix);
  });

  it('an unreachable index is not reported as a missing package (pip says both)', () => {
    const out = fixture('unreachable.txt');
    expect(out).toContain('No matching distribution found');
    expect(parsePipFailure(out).cause).toBe('indexUnreachable');
  });

  it('an unknown failure quotes pip\'s last ERROR line', () => {
    const f = parsePipFailure('Collecting x\nERROR: Something odd happened\n');
    expect(f).toMatchObject({ cause: 'unknown', summary: 'pip failed: Something odd happened' });
  });

  it('errorLines keeps only pip\'s ERROR: lines', () => {
    expect(errorLines(fixture('nomatch.txt'))).toEqual([
      'ERROR: Could not find a version that satisfies the requirement empathy-nonexistent-package-zz9 (from versions: none)',
      'ERROR: No matching distribution found for empathy-nonexistent-package-zz9',
    ]);
    expect(errorLines(fixture('success.txt'))).toEqual([]);
  });
});

describe('progressNote', () => {
  it('says that pip retries a refused connection, and how many retries are left', () => {
    const notes = fixture('unreachable.txt').split('\n').map(progressNote).filter(Boolean);
    expect(notes).toEqual([
      'the package index could not be reached; retrying (1 retry left)…',
      'the package index could not be reached; retrying (0 retries left)…',
    ]);
  });

  it('says that a stalled index did not answer', () => {
    const notes = fixture('stalled.txt').split('\n').map(progressNote).filter(Boolean);
    expect(notes).toEqual(['the package index did not answer; retrying (0 retries left)…']);
  });

  it('names the package pip is collecting and the final install', () => {
    const notes = fixture('success.txt').split('\n').map(progressNote).filter(Boolean);
    expect(notes).toEqual(['collecting pyyaml', 'installing the downloaded packages']);
  });
});
