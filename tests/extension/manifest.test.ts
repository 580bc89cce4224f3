import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initializationOptions, readSettings, RESTART_KEYS } from '../../extension/src/common/settings';
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
    });
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

  it('sends the sidecar settings as initializationOptions', () => {
    config['empathy.telemetryDirs'] = ['/data/.empathy'];
    config['empathy.debounceMs'] = 50;
    try {
      expect(initializationOptions(readSettings())).toEqual({
        telemetryDirs: ['/data/.empathy'],
        naiveTimezone: 'local',
        activityLimit: 20,
        debounceMs: 50,
      });
    } finally {
      delete config['empathy.telemetryDirs'];
      delete config['empathy.debounceMs'];
    }
  });

  it('falls back to 7d for an unknown defaultRange', () => {
    config['empathy.defaultRange'] = 'forever';
    try {
      expect(readSettings().defaultRange).toBe('7d');
    } finally {
      delete config['empathy.defaultRange'];
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
    for (const key of Object.keys(initializationOptions(readSettings()))) {
      const py = schema!.properties[key];
      expect(py, `Settings has no field ${key}`).toBeDefined();
      const ours = props[`empathy.${key}`];
      if (ours.type === 'integer') {
        expect(ours.default).toBe(py.default);
        expect(ours.minimum).toBe(py.minimum);
        expect(ours.maximum).toBe(py.maximum);
      }
      if (ours.type === 'string') expect(ours.default).toBe(py.default);
    }
  });
});
