/**
 * The workflow ids the sidecar has named in `empathy/codeLenses` answers. The lens command accepts
 * only these: an argument that did not come from the sidecar (a crafted command URI, a stale id
 * after the telemetry was cleared) opens nothing.
 */
export interface LensTarget {
  workflow: string;
  step: string | null;
}

export class KnownWorkflows {
  private readonly ids = new Set<string>();

  /** Adds the ids one answer named (cleared when the sidecar or the settings change). */
  add(ids: Iterable<string>): void {
    for (const id of ids) this.ids.add(id);
  }

  clear(): void {
    this.ids.clear();
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
