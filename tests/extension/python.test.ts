import { describe, expect, it } from 'vitest';
import { classify, describeProblem, probe, type Candidate } from '../../extension/src/common/python';

const c: Candidate = { command: '/usr/bin/python3', source: 'default' };

describe('classify', () => {
  it('accepts 3.10+ with the module', () => {
    expect(classify(c, '{"version": [3, 11, 4], "module": true}\n')).toMatchObject({ kind: 'ok', version: '3.11.4' });
  });
  it('flags old interpreters before the module', () => {
    expect(classify(c, '{"version": [3, 9, 18], "module": false}')).toMatchObject({ kind: 'tooOld', version: '3.9.18' });
  });
  it('flags a missing package', () => {
    expect(classify(c, '{"version": [3, 12, 0], "module": false, "error": "ModuleNotFoundError: x"}')).toMatchObject({
      kind: 'notInstalled',
      detail: 'ModuleNotFoundError: x',
    });
  });
  it('flags something that is not Python', () => {
    expect(classify(c, 'garbage')).toMatchObject({ kind: 'missing' });
  });
});

describe('describeProblem', () => {
  it('says exactly what is wrong and what to do', () => {
    expect(describeProblem({ kind: 'tooOld', candidate: { command: 'py', source: 'setting' }, version: '3.8.1' })).toBe(
      'Empathy Telemetry needs Python 3.10 or newer, but py (from the empathy.pythonPath setting) is Python 3.8.1. Set "empathy.pythonPath" to a newer interpreter.',
    );
    expect(describeProblem({ kind: 'missing', candidate: { command: 'nopython', source: 'default' }, detail: '"nopython" was not found' })).toContain(
      'Install Python or set "empathy.pythonPath"',
    );
    expect(
      describeProblem({ kind: 'notInstalled', candidate: { command: 'python3', source: 'python-extension' }, version: '3.12.1', detail: '' }),
    ).toContain('"empathy-monitor" is not installed for python3');
  });
});

describe('probe', () => {
  it('reports a command that does not exist', async () => {
    const p = await probe({ command: '/nonexistent/python', source: 'setting' });
    expect(p).toMatchObject({ kind: 'missing', detail: '"/nonexistent/python" was not found' });
  });
  it('runs a real interpreter', async () => {
    const p = await probe({ command: 'python3', source: 'default' });
    expect(['ok', 'notInstalled', 'tooOld']).toContain(p.kind);
  });
});
