// Infra smoke: install the .vsix, open a workspace, run the command, see the panel frame.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BASE_SETTINGS, REPO, installVsix, launchBrowser, makeSandbox, openWorkbench, panelView,
  runCommand, startCodeServer, writeUserSettings } from './harness.mjs';

const vsix = process.argv[2];
const sb = makeSandbox();
const ws = sb.dirs.ws;
const { writeDemo } = await import('./data.mjs');
writeDemo(ws, { calls: 400 });
writeUserSettings(sb, { ...BASE_SETTINGS, 'empathy.pythonPath': path.join(REPO, '.venv/bin/python') });
let t = Date.now();
installVsix(sb, vsix);
console.log('installed in', Date.now() - t);
const cs = await startCodeServer(sb, ws);
const ctx = await launchBrowser(sb);
try {
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('console', (m) => { if (!/ENOTFOUND|vsda|gallery/.test(m.text())) console.log('console:', m.type(), m.text().slice(0, 400)); });
  t = Date.now();
  await openWorkbench(page, cs.url);
  console.log('workbench in', Date.now() - t);
  t = Date.now();
  const tries = await runCommand(page, 'Empathy: Open Telemetry Panel');
  console.log('command after tries', tries, Date.now() - t);
  const view = panelView(page);
  await view.locator('body').waitFor({ timeout: 30000 });
  console.log('panel body:', (await view.locator('body').innerText()).slice(0, 200), Date.now() - t);
  await page.waitForTimeout(8000);
  await page.screenshot({ path: path.join(REPO, '.artifacts', 'smoke.png') });
} finally {
  await ctx.close();
  cs.stop();
  console.log('sandbox', sb.root);
}
