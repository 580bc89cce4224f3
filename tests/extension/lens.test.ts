import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CodeLensesResult, LensStats } from '@protocol';
import { codeBlockText, lensTitle } from '../../extension/src/common/plainText';
import { openPanelForWorkflow } from '../../extension/src/lens/command';
import { KnownWorkflows } from '../../extension/src/lens/known';
import { DEBOUNCE_MS, hoverText, LENS_COMMAND, MAX_WAIT_MS, WorkflowLenses, type LensDeps } from '../../extension/src/lens/provider';
import { Position, Uri } from './vscode.mock';

const HOSTILE = '[x](command:workbench.action.terminal.new) $(alert) **b** <img src=x>';

function stats(text: string, detail: string[] = ['Last 7 days: $1.00 over 2 calls, 1 run']): LensStats {
  const n = { calls: 2, errors: 0, runs: 1, cost: 1, errorRate: 0, p95LatencyMs: 5100 };
  return { current: n, previous: n, costChangePercent: 12, text, detail };
}

function answer(over: Partial<CodeLensesResult> = {}): CodeLensesResult {
  return {
    uri: 'file:///ws/flows.py',
    range: '7d',
    since: null,
    now: '2025-06-10T12:00:00+00:00',
    lenses: [
      { workflow: 'code-review', step: null, line: 4, stats: stats('$10.42 · 178 runs · 3.8% errors · p95 5.1 s · 7d ▲12%') },
      { workflow: 'code-review', step: 'analyze', line: 11, stats: stats('$2.00 · 40 calls · 0.0% errors · p95 900 ms · 7d ±0%') },
    ],
    mentions: [{ workflow: 'code-review', line: 4, start: 11, end: 24, stats: stats('$10.42 · 178 runs') }],
    ...over,
  };
}

const doc = (p = '/ws/flows.py', languageId = 'python') => ({ uri: Uri.file(p), languageId });

function setup(res: CodeLensesResult | Error = answer()) {
  const request = vi.fn(() => (res instanceof Error ? Promise.reject(res) : Promise.resolve(res)));
  const known = new KnownWorkflows();
  const visible: ReturnType<typeof doc>[] = [doc()];
  const deps: LensDeps = {
    sidecar: { request } as unknown as LensDeps['sidecar'],
    enabled: vi.fn(() => true),
    range: () => '30d',
    known,
    visibleDocuments: () => visible as never,
  };
  const lenses = new WorkflowLenses(deps);
  const fired = vi.fn();
  lenses.onDidChangeCodeLenses(fired);
  return { lenses, request, known, deps, visible, fired };
}

describe('the code lens provider', () => {
  it('places the sidecar text above each definition, with one fixed command and the id as argument', async () => {
    const { lenses, request, known } = setup();
    const got = await lenses.provideCodeLenses(doc() as never);
    expect(request).toHaveBeenCalledWith('empathy/codeLenses', { uri: 'file:///ws/flows.py', range: '30d' });
    expect(got.map((l) => [l.range.start.line, l.command?.title])).toEqual([
      [3, '$10.42 · 178 runs · 3.8% errors · p95 5.1 s · 7d ▲12%'],
      [10, '$2.00 · 40 calls · 0.0% errors · p95 900 ms · 7d ±0%'],
    ]);
    expect(got.every((l) => l.command?.command === LENS_COMMAND)).toBe(true);
    expect(got[1].command?.arguments).toEqual([{ workflow: 'code-review', step: 'analyze' }]);
    expect(known.has('code-review')).toBe(true);
  });

  it('shows nothing when disabled, for non-file documents, or when the sidecar fails', async () => {
    const a = setup();
    (a.deps.enabled as ReturnType<typeof vi.fn>).mockReturnValue(false);
    expect(await a.lenses.provideCodeLenses(doc() as never)).toEqual([]);
    expect(a.request).not.toHaveBeenCalled();
    const b = setup();
    expect(await b.lenses.provideCodeLenses({ uri: Uri.parse('untitled://x'), languageId: 'python' } as never)).toEqual([]);
    const c = setup(new Error('not ready'));
    expect(await c.lenses.provideCodeLenses(doc() as never)).toEqual([]);
  });

  it('makes telemetry text plain: no icons, no second line in a lens title', async () => {
    const { lenses } = setup(answer({ lenses: [{ workflow: HOSTILE, step: null, line: 1, stats: stats(`${HOSTILE}\nforged`) }] }));
    const [l] = await lenses.provideCodeLenses(doc() as never);
    expect(l.command?.title).toBe(lensTitle(`${HOSTILE}\nforged`));
    expect(l.command?.title).not.toMatch(/(^|[^\\])\$\(/);
    expect(l.command?.title).not.toContain('\n');
    expect(l.command?.tooltip).not.toContain('\n');
  });
});

describe('the hover', () => {
  it('answers on a literal naming a known workflow, nowhere else', async () => {
    const { lenses } = setup();
    const h = await lenses.provideHover(doc() as never, new Position(4, 12) as never);
    expect(h?.range?.start).toEqual({ line: 4, character: 11 });
    expect(h?.contents).toEqual([{ language: 'text', value: 'Empathy Telemetry · code-review\n$10.42 · 178 runs\nLast 7 days: $1.00 over 2 calls, 1 run' }]);
    expect(await lenses.provideHover(doc() as never, new Position(4, 24) as never)).toBeUndefined();
    expect(await lenses.provideHover(doc() as never, new Position(5, 12) as never)).toBeUndefined();
  });

  it('is one plain-text code block that telemetry text cannot close (no markdown, links, icons or HTML)', () => {
    const evil = `${HOSTILE}\n\`\`\`\n[y](command:x)`;
    const h = hoverText(evil, stats(evil, [evil]));
    expect(h.language).toBe('text');
    expect(h.value).not.toContain('```');
    expect(h.value.split('\n')).toHaveLength(3); // header, text, one detail line: no forged lines
    expect(h.value).toContain(codeBlockText(HOSTILE));
    expect(codeBlockText('a```b\u0007')).toBe('a`\u2060`\u2060`\u2060b\\u0007');
  });
});

describe('the lens command', () => {
  it('opens the panel filtered to a workflow the sidecar named, and nothing for any other argument', async () => {
    const known = new KnownWorkflows();
    known.add(['code-review']);
    const showPanel = vi.fn(() => Promise.resolve());
    const deps = { known, range: () => '7d' as const, showPanel };
    expect(await openPanelForWorkflow(deps, { workflow: 'code-review', step: 'analyze' })).toEqual({ workflow: 'code-review', step: 'analyze' });
    expect(showPanel).toHaveBeenCalledWith({ range: '7d', filters: { workflow: 'code-review' } });
    for (const bad of [undefined, 'code-review', ['code-review'], { workflow: 'other' }, { workflow: 1 }, { workflow: 'code-review', step: 3 }]) {
      expect(await openPanelForWorkflow(deps, bad)).toBeUndefined();
    }
    expect(showPanel).toHaveBeenCalledTimes(1);
    known.clear();
    expect(await openPanelForWorkflow(deps, { workflow: 'code-review' })).toBeUndefined();
  });
});

describe('the lens command with a step', () => {
  it('filters the panel to the workflow and the step the sidecar named for it, through the lens answer', async () => {
    const { lenses, known } = setup();
    const [, stepLens] = await lenses.provideCodeLenses(doc() as never);
    const showPanel = vi.fn(() => Promise.resolve());
    const deps = { known, range: () => '30d' as const, showPanel };
    // the argument the lens carries opens workflow + step
    expect(await openPanelForWorkflow(deps, stepLens.command?.arguments?.[0])).toEqual({ workflow: 'code-review', step: 'analyze' });
    expect(showPanel).toHaveBeenLastCalledWith({ range: '30d', filters: { workflow: 'code-review', step: 'analyze' } });
    // a workflow lens opens the workflow alone
    await openPanelForWorkflow(deps, { workflow: 'code-review', step: null });
    expect(showPanel).toHaveBeenLastCalledWith({ range: '30d', filters: { workflow: 'code-review' } });
    // a step the sidecar never named for this workflow (crafted, or another workflow's) is not applied
    for (const step of ['classify', HOSTILE]) {
      await openPanelForWorkflow(deps, { workflow: 'code-review', step });
      expect(showPanel).toHaveBeenLastCalledWith({ range: '30d', filters: { workflow: 'code-review' } });
    }
    expect(known.hasStep('code-review', 'analyze')).toBe(true);
    expect(known.hasStep('other', 'analyze')).toBe(false);
    // forgotten with the workflows (sidecar restart, settings change)
    lenses.reset();
    expect(known.hasStep('code-review', 'analyze')).toBe(false);
  });
});

describe('refresh on didUpdate', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('is debounced, bounded by a max wait, and skipped when no visible editor shows Python', () => {
    const { lenses, fired, visible } = setup();
    lenses.onTelemetryUpdate();
    lenses.onTelemetryUpdate();
    vi.advanceTimersByTime(DEBOUNCE_MS - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    // a continuous stream still refreshes within the max wait
    for (let t = 0; t < MAX_WAIT_MS; t += 100) {
      lenses.onTelemetryUpdate();
      vi.advanceTimersByTime(100);
    }
    expect(fired).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(DEBOUNCE_MS);
    visible.splice(0, visible.length, doc('/ws/readme.md', 'markdown'));
    const before = fired.mock.calls.length;
    lenses.onTelemetryUpdate();
    vi.advanceTimersByTime(MAX_WAIT_MS);
    expect(fired).toHaveBeenCalledTimes(before);
  });
});
