import { describe, expect, it, vi } from 'vitest';
import { registerTrust } from '../../extension/src/trust';
import { workspace } from './vscode.mock';

describe('workspace trust', () => {
  it('restarts a running sidecar when trust is granted (so alertActions becomes true)', () => {
    const sidecar = { restart: vi.fn(async () => undefined) };
    let started = false;
    const sub = registerTrust(sidecar, () => started);
    workspace.trustListeners.forEach((l) => l());
    expect(sidecar.restart).not.toHaveBeenCalled();
    started = true;
    workspace.trustListeners.forEach((l) => l());
    expect(sidecar.restart).toHaveBeenCalledWith('workspace trusted', 0);
    sub.dispose();
    expect(workspace.trustListeners).toHaveLength(0);
  });
});
