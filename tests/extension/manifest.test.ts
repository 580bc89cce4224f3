import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initializationOptions, initialRange, rangeForRetention, readSettings, RESTART_KEYS } from '../../extension/src/common/settings';
import { EXTENSION_ID } from '../../extension/src/panel/panel';
import { config } from './vscode.mock';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../extension/package.json'), 'utf8'));

describe('package.json', () => {
  it('is the extension the issue asks for', () => {
    expect(pkg.name).toBe('empathy-telemetry');
    expect(pkg.displayName).toBe('Empathy Telemetry');
    expect(pkg.publisher).toBe('empathy');
    expect(pkg.engines.vscode).toBe('^1.90.0');
    expect(pkg.main).toBe('./dist/extension.js');
    expect(pkg.activationEvents).toEqual(
      expect.arrayContaining(['workspaceContains:.empathy', 'workspaceContains:.attune']),
    );
  });

  it('has the palette titles exactly', () => {
    const titles = Object.fromEntries(
      pkg.contributes.commands.map((c: { command: string; category: string; title: string }) => [
        c.command,
        `${c.category}: ${c.title}`,
      ]),
    );
    expect(titles).toEqual({
      'empathy.openPanel': 'Empathy: Open Telemetry Panel',
      'empathy.exportCsv': 'Empathy: Export Telemetry CSV',
      'empathy.restartSidecar': 'Empathy: Restart Telemetry Sidecar',
      'empathy.showLogs': 'Empathy: Show Telemetry Logs',
      'empathy.generateDemo': 'Empathy: Generate Demo Telemetry',
      'empathy.initAlerts': 'Empathy: Initialize Alerts',
      'empathy.listAlerts': 'Empathy: List Alerts',
      'empathy.testAlert': 'Empathy: Test Alert…',
      'empathy.checkAlerts': 'Empathy: Check Alerts Now',
      'empathy.openAlertsConfig': 'Empathy: Open Alerts Config',
      'empathy.setBudget': 'Empathy: Set Budget…',
      'empathy.openWorkflowSource': 'Empathy: Open Workflow Source',
    });
    // The notification button's command takes an argument: hidden from the palette.
    expect(pkg.contributes.menus.commandPalette).toEqual([{ command: 'empathy.openWorkflowSource', when: 'false' }]);
    for (const cmd of Object.keys(titles)) expect(pkg.activationEvents).toContain(`onCommand:${cmd}`);
  });

  it('declares exactly the settings the code reads', () => {
    const declared = Object.keys(pkg.contributes.configuration.properties).sort();
    const read = Object.keys(readSettings()).map((k) => `empathy.${k}`).sort();
    expect(declared).toEqual(read);
    for (const k of RESTART_KEYS) expect(declared).toContain(k);
  });

  it('defaults in the schema match the defaults in the code', () => {
    const props = pkg.contributes.configuration.properties;
    const s = readSettings();
    for (const [key, value] of Object.entries(s)) expect(props[`empathy.${key}`].default).toEqual(value);
  });

  it('is the extension the settings filter names', () => {
    expect(EXTENSION_ID).toBe(`${pkg.publisher}.${pkg.name}`);
  });

  it('supports untrusted workspaces in a limited way, and says how', () => {
    const u = pkg.capabilities.untrustedWorkspaces;
    expect(u.supported).toBe('limited');
    expect(u.description).toMatch(/runs none of its alert actions/);
    expect(u.restrictedConfigurations).toEqual(['empathy.pythonPath']);
  });

  it('describes the round-2 settings as the contract does', () => {
    const props = pkg.contributes.configuration.properties;
    expect(props['empathy.retentionDays']).toMatchObject({ type: 'integer', default: 30 });
    expect(props['empathy.retentionDays'].description).toMatch(/Older data stays on disk/);
    expect(props['empathy.refreshFallbackSeconds']).toMatchObject({ type: 'number', default: 0 });
    expect(props['empathy.refreshFallbackSeconds'].description).toMatch(/only where file watching is unavailable \(network drives\)/);
    expect(props['empathy.refreshFallbackSeconds'].description).toMatch(/0 = off/);
  });

  it('sends the sidecar settings as initializationOptions, with alertActions from workspace trust', () => {
    config['empathy.telemetryDirs'] = ['/data/.empathy'];
    config['empathy.debounceMs'] = 50;
    config['empathy.retentionDays'] = 90;
    config['empathy.refreshFallbackSeconds'] = 15;
    try {
      const expected = {
        telemetryDirs: ['/data/.empathy'],
        naiveTimezone: 'local',
        activityLimit: 20,
        debounceMs: 50,
        retentionDays: 90,
        refreshFallbackSeconds: 15,
      };
      expect(initializationOptions(readSettings(), true)).toEqual({ ...expected, alertActions: true });
      expect(initializationOptions(readSettings(), false)).toEqual({ ...expected, alertActions: false });
    } finally {
      delete config['empathy.telemetryDirs'];
      delete config['empathy.debounceMs'];
      delete config['empathy.retentionDays'];
      delete config['empathy.refreshFallbackSeconds'];
    }
  });

  it('derives the opening range from retentionDays unless defaultRange is set', () => {
    expect([1, 2, 7, 8, 30, 31, 365].map(rangeForRetention)).toEqual(['today', '7d', '7d', '30d', '30d', 'all', 'all']);
    expect(initialRange(readSettings())).toBe('30d');
    config['empathy.retentionDays'] = 7;
    try {
      expect(initialRange(readSettings())).toBe('7d');
      config['empathy.defaultRange'] = 'all';
      expect(initialRange(readSettings())).toBe('all');
      config['empathy.defaultRange'] = 'forever';
      expect(readSettings().defaultRange).toBe('');
      expect(initialRange(readSettings())).toBe('7d');
    } finally {
      delete config['empathy.defaultRange'];
      delete config['empathy.retentionDays'];
    }
  });
});

describe('package.json agrees with the sidecar Settings (convention 5)', () => {
  const python = path.join(__dirname, '../../.venv/bin/python');
  const schema = (() => {
    try {
      const out = execFileSync(
        python,
        ['-c', 'import json; from empathy_monitor.sidecar.settings import Settings; print(json.dumps(Settings.model_json_schema()))'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      );
      return JSON.parse(out) as { properties: Record<string, Record<string, unknown>> };
    } catch {
      return undefined;
    }
  })();

  it.skipIf(!schema)('every setting sent as initializationOptions exists in Settings with the same bounds', () => {
    const props = pkg.contributes.configuration.properties;
    for (const key of Object.keys(initializationOptions(readSettings(), true))) {
      const py = schema!.properties[key];
      expect(py, `Settings has no field ${key}`).toBeDefined();
      const ours = props[`empathy.${key}`];
      if (key === 'alertActions') {
        // Not a user setting: it follows workspace trust.
        expect(ours).toBeUndefined();
        expect(py.type).toBe('boolean');
        continue;
      }
      if (ours.type === 'integer' || ours.type === 'number') {
        expect(ours.default).toBe(py.default);
        expect(ours.minimum).toBe(py.minimum);
        expect(ours.maximum).toBe(py.maximum);
      }
      if (ours.type === 'string') expect(ours.default).toBe(py.default);
    }
  });
});
