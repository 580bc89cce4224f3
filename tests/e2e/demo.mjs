// The code-server half of scripts/demo: installs the .vsix into a persistent demo profile, starts
// code-server on 127.0.0.1 (the extension opens its panel on start), prints the URL and runs until
// Ctrl-C, then stops everything it started.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BASE_SETTINGS, REPO, installVsix, makeSandbox, startCodeServer, writeUserSettings,
} from './harness.mjs';

const [vsix, workspace, portArg, stateDir] = process.argv.slice(2);
const sb = makeSandbox('', stateDir);
for (const d of Object.values(sb.dirs)) fs.mkdirSync(d, { recursive: true });
writeUserSettings(sb, {
  ...BASE_SETTINGS,
  'workbench.colorTheme': 'Default Dark Modern',
  'empathy.pythonPath': path.join(REPO, '.venv/bin/python'),
});
installVsix(sb, vsix);
// The extension opens its panel on start when this is set, in every browser that loads the URL.
const cs = await startCodeServer(sb, workspace, {
  port: Number(portArg) || undefined,
  env: { EMPATHY_OPEN_PANEL_ON_START: '1' },
});
let stopping = false;
const stop = (code = 0) => {
  if (stopping) return;
  stopping = true;
  cs.stop();
  console.log('\nStopped code-server.');
  process.exit(code);
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
cs.child.on('exit', (c) => {
  if (!stopping) {
    console.error(`code-server exited (${c}); log: ${cs.logFile}`);
    process.exit(1);
  }
});

console.log(`\nEmpathy Telemetry demo is running:\n\n    ${cs.url}\n`);
console.log(`Workspace: ${workspace}\nLogs: ${cs.logFile}\nPress Ctrl-C to stop.`);
