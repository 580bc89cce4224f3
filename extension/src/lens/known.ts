/**
 * The workflow ids (and, per workflow, the steps) the sidecar has named in `empathy/codeLenses`
 * answers. The lens command accepts only these: an argument that did not come from the sidecar (a
 * crafted command URI, a stale id after the telemetry was cleared) opens nothing, and a step the
 * sidecar did not name for that workflow is not applied as a filter.
 */
export interface LensTarget {
  workflow: string;
  step: string | null;
}

export class KnownWorkflows {
  private readonly ids = new Set<string>();
  /** workflow -> the steps the sidecar named for it. */
  private readonly steps = new Map<string, Set<string>>();

  /** Adds the ids one answer named (cleared when the sidecar or the settings change). */
  add(ids: Iterable<string>): void {
    for (const id of ids) this.ids.add(id);
  }

  /** Adds the (workflow, step) pairs of one answer's step lenses. */
  addSteps(pairs: Iterable<{ workflow: string; step: string | null }>): void {
    for (const { workflow, step } of pairs) {
      if (step === null) continue;
      let set = this.steps.get(workflow);
      if (!set) this.steps.set(workflow, (set = new Set()));
      set.add(step);
    }
  }

  clear(): void {
    this.ids.clear();
    this.steps.clear();
  }

  /** Whether the sidecar named `step` as a step of `workflow`. */
  hasStep(workflow: string, step: string): boolean {
    return this.steps.get(workflow)?.has(step) ?? false;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** The command's argument, if it is `{workflow, step?}` naming a workflow the sidecar named. */
  validate(arg: unknown): LensTarget | undefined {
    if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return undefined;
    const { workflow, step } = arg as { workflow?: unknown; step?: unknown };
    if (typeof workflow !== 'string' || !this.ids.has(workflow)) return undefined;
    if (step !== undefined && step !== null && typeof step !== 'string') return undefined;
    return { workflow, step: typeof step === 'string' ? step : null };
  }
}
