import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { exportCsv, generateDemo, guarded, registerCommands, type CommandDeps } from '../../extension/src/commands';
import { TelemetryModel } from '../../extension/src/model';
import { createStatusBar, formatCost } from '../../extension/src/statusBar';
import type { Snapshot } from '@protocol';
import type { Sidecar, SidecarStatus } from '../../extension/src/sidecar/client';
import { commands, EventEmitter, Uri, window, workspace } from './vscode.mock';

function deps(request = vi.fn()) {
  const sidecar = { request, restart: vi.fn(async () => undefined) } as unknown as Sidecar;
  const model = new TelemetryModel(sidecar, '30d');
  const d: CommandDeps = { model, sidecar, openPanel: vi.fn(), ensureStarted: vi.fn() };
  return d;
}

describe('Export Telemetry CSV', () => {
  it('asks where, then lets the sidecar write the current view', async () => {
    workspace.workspaceFolders = [{ uri: Uri.file('/ws'), name: 'ws', index: 0 }];
    try {
      const request = vi.fn().mockResolvedValue({ path: '/ws/out.csv', rows: 7 });
      const d = deps(request);
      d.model.view = { range: '7d', filters: { tier: 'cheap' } };
      window.showSaveDialog.mockResolvedValueOnce(Uri.file('/ws/out.csv') as never);
      expect(await exportCsv(d)).toEqual({ path: '/ws/out.csv', rows: 7 });
      expect(window.showSaveDialog.mock.calls[0]![0]).toMatchObject({ title: 'Export Telemetry CSV', filters: { CSV: ['csv'] } });
      expect(request).toHaveBeenCalledWith('empathy/exportCsv', { range: '7d', filters: { tier: 'cheap' }, path: '/ws/out.csv' });
      expect(window.showInformationMessage).toHaveBeenCalledWith('Exported 7 calls to out.csv.', 'Open');
    } finally {
      workspace.workspaceFolders = undefined;
    }
  });

  it('says the user confirmed replacing a file only when the chosen file exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'empathy-export-'));
    try {
      const existing = join(dir, 'old.csv');
      writeFileSync(existing, 'mine\n');
      const request = vi.fn().mockResolvedValue({ path: existing, rows: 7 });
      const d = deps(request);
      window.showSaveDialog.mockResolvedValueOnce(Uri.file(existing) as never);
      await exportCsv(d);
      expect(request).toHaveBeenLastCalledWith('empathy/exportCsv', { range: '30d', filters: {}, path: existing, overwrite: true });
      window.showSaveDialog.mockResolvedValueOnce(Uri.file(join(dir, 'new.csv')) as never);
      await exportCsv(d);
      expect(request.mock.calls[1]![1]).not.toHaveProperty('overwrite');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does nothing when the dialog is cancelled', async () => {
    const d = deps();
    expect(await exportCsv(d)).toBeUndefined();
    expect(d.sidecar.request).not.toHaveBeenCalled();
  });
});

describe('Generate Demo Telemetry', () => {
  it('reports what was written and refreshes the view', async () => {
    const request = vi.fn().mockResolvedValueOnce({ calls: 400, runs: 80, dir: '/ws/.empathy' }).mockResolvedValue({ version: 1 });
    await generateDemo(deps(request));
    expect(window.showInformationMessage).toHaveBeenCalledWith('Empathy Telemetry: wrote 400 demo calls and 80 workflow runs to /ws/.empathy.');
    expect(request).toHaveBeenLastCalledWith('empathy/snapshot', { range: '30d', filters: {} });
  });
});

describe('registerCommands', () => {
  it('Restart marks the sidecar as started, then restarts it now', async () => {
    const handlers = new Map<string, (...a: unknown[]) => Promise<void>>();
    commands.registerCommand.mockImplementation(((id: string, fn: (...a: unknown[]) => Promise<void>) => {
      handlers.set(id, fn);
      return { dispose: () => undefined };
    }) as never);
    const d = deps();
    registerCommands(d);
    await handlers.get('empathy.restartSidecar')?.();
    expect(d.ensureStarted).toHaveBeenCalled();
    expect(d.sidecar.restart).toHaveBeenCalledWith('command', 0);
    await handlers.get('empathy.openPanel')?.();
    expect(d.openPanel).toHaveBeenCalled();
  });

  it('guarded turns a failure into an error message instead of a rejection', async () => {
    await expect(guarded('x', () => Promise.reject(new Error('boom')))()).resolves.toBeUndefined();
    expect(window.showErrorMessage).toHaveBeenCalledWith('Empathy Telemetry: boom');
  });
});

describe('status bar', () => {
  it("shows today's cost from the sidecar's snapshot, and the logs when the sidecar is down", async () => {
    const item = { text: '', tooltip: '', command: '', show: vi.fn(), hide: vi.fn(), dispose: vi.fn(), name: '' };
    window.createStatusBarItem.mockReturnValue(item as never);
    const status = new EventEmitter<SidecarStatus>();
    const snap = { version: 1, window: { range: 'today', now: '2026-11-27T10:00:00Z' }, overview: { total_cost: 123.4 }, today_cost: 123.4 } as unknown as Snapshot;
    const sidecar = { status: { state: 'ready' } as SidecarStatus, onStatus: status.event, request: vi.fn().mockResolvedValue(snap) };
    const model = new TelemetryModel(sidecar as unknown as Sidecar, 'today');
    createStatusBar(model, sidecar as unknown as Sidecar);
    expect(item.text).toBe('$(pulse) Empathy');
    await model.refresh();
    expect(item.text).toBe('$(pulse) $123 today');
    expect(item.command).toBe('empathy.openPanel');
    sidecar.status = { state: 'error', message: 'No usable Python interpreter (see the logs).' };
    status.fire(sidecar.status);
    expect(item.text).toBe('$(warning) Empathy');
    expect(item.command).toBe('empathy.showLogs');
    expect(item.tooltip).toBe('No usable Python interpreter (see the logs).');
    sidecar.status = { state: 'reconnecting' };
    status.fire(sidecar.status);
    expect(item.text).toBe('$(sync~spin) Empathy');
    expect(formatCost(1.234)).toBe('$1.23');
  });
});
