// End-to-end for issue 14 in a real VS Code (code-server): a workspace laid out like attune-ai 16.x
// (calls in ./.attune, runs in $HOME/.attune/telemetry shared with other projects) and no settings
// shows run-based top workflows of this project only, says so in the health line, and filters by
// user through the filter bar (values listed and searched by the sidecar). Screenshot: .artifacts/dimensions.png.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { callRecord, naiveNow, PY } from './data.mjs';
import {
  BASE_SETTINGS, installVsix, launchBrowser, makeSandbox, openWorkbench, panelView, REPO, runCommand, sleep,
  startCodeServer, writeUserSettings,
} from './harness.mjs';

const VSIX = process.env.EMPATHY_VSIX;
const ARTIFACTS = path.join(REPO, '.artifacts');
const sb = makeSandbox('empathy-e2e-dims-');
const ws = sb.dirs.ws;
const home = path.join(sb.root, 'home');
const PROJECT = path.basename(ws);
let cs;
let ctx;
let page;
let view;

function runRecord(runId, workflow, project, cost) {
  return {
    run_id: runId, workflow_name: workflow, started_at: naiveNow(-60_000), completed_at: naiveNow(-1000),
    user_id: 'ann', session_id: 's1', trigger: 'cli', project, stages: [], total_input_tokens: 10,
    total_output_tokens: 5, total_cost: cost, baseline_cost: cost * 3, savings: cost * 2, savings_percent: 66.7,
    total_duration_ms: 59000, success: true, error: null, providers_used: ['anthropic'], tiers_used: ['capable'],
  };
}

const lines = (records) => records.map((r) => `${JSON.stringify(r)}\n`).join('');

describe('issue 14: attune-ai 16.x zero-config and cost by user', { concurrency: false }, () => {
  before(async () => {
    assert.ok(VSIX && fs.existsSync(VSIX), 'EMPATHY_VSIX must name the built .vsix');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.mkdirSync(path.join(ws, '.attune'), { recursive: true });
    const calls = [
      callRecord({ workflow_name: 'release-notes', user_id: 'ann', estimated_cost: 1.5, metadata: { run_id: 'r1' } }),
      callRecord({ workflow_name: 'release-notes', user_id: 'ann', estimated_cost: 0.5, metadata: { run_id: 'r1' } }),
      callRecord({ workflow_name: 'triage', user_id: 'bob', estimated_cost: 0.25 }),
      callRecord({ workflow_name: 'triage', user_id: 'bob', estimated_cost: 0.25 }),
      callRecord({ workflow_name: 'triage', user_id: 'bob', estimated_cost: 0.25 }),
    ];
    fs.writeFileSync(path.join(ws, '.attune', 'llm_calls.jsonl'), lines(calls));
    const tdir = path.join(home, '.attune', 'telemetry');
    fs.mkdirSync(path.join(tdir, 'archive'), { recursive: true });
    fs.writeFileSync(path.join(tdir, 'workflow_runs.jsonl'), lines([
      runRecord('r1', 'release-notes', PROJECT, 2.0),
      runRecord('r2', 'nightly-audit', PROJECT, 1.0),
      runRecord('r3', 'someone-elses', 'billing', 9.0),
    ]));
    fs.writeFileSync(path.join(tdir, 'archive', 'workflow_runs-20261101T000000Z.jsonl'), lines([
      runRecord('r4', 'old-other', 'infra', 5.0),
    ]));
    // No empathy.telemetryDirs and no empathy.project: the defaults must find all of it.
    writeUserSettings(sb, { ...BASE_SETTINGS, 'empathy.pythonPath': PY, 'empathy.defaultRange': '7d' });
    installVsix(sb, VSIX);
    cs = await startCodeServer(sb, ws, { env: { HOME: home } });
    ctx = await launchBrowser(sb, { width: 1400, height: 1000 });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    await openWorkbench(page, cs.url);
    await runCommand(page, 'View: Close Primary Side Bar');
    await runCommand(page, 'Empathy: Open Telemetry Panel');
    view = panelView(page);
    await view.getByRole('region', { name: 'Top workflows by cost' }).waitFor({ timeout: 90000 });
  });

  after(async () => {
    await ctx?.close().catch(() => undefined);
    cs?.stop();
    if (process.env.EMPATHY_E2E_KEEP) console.log(`# sandbox kept: ${sb.root}`);
    else fs.rmSync(sb.root, { recursive: true, force: true });
  });

  it('shows run-based top workflows of this project only, and says so in the health line', { timeout: 60000 }, async () => {
    const card = view.getByRole('region', { name: 'Top workflows by cost' });
    await card.getByText('nightly-audit').waitFor({ timeout: 30000 }); // known only from a home run
    const text = await card.innerText();
    assert.ok(text.includes('release-notes') && /1 run/.test(text), `top workflows: ${text}`);
    assert.ok(!text.includes('someone-elses') && !text.includes('old-other'), `another project's runs: ${text}`);
    assert.ok(!text.includes('triage'), `calls grouped instead of runs: ${text}`);
    const scope = await view.getByTestId('health-scope').innerText();
    assert.ok(scope.includes(`project “${PROJECT}”`), scope);
    assert.ok(scope.includes('2 runs of 2 other projects not shown'), scope);
    await page.locator('iframe.webview.ready').first().screenshot({ path: path.join(ARTIFACTS, 'dimensions.png') });
  });

  it('filters by user through the filter bar', { timeout: 60000 }, async () => {
    const users = view.getByRole('region', { name: 'Cost by user' });
    await users.getByText('ann').waitFor({ timeout: 20000 });
    // Cost by user and by project side by side, before any filter (docs/guides/img/panel-dimensions.png).
    await view.getByRole('region', { name: 'Cost by project' }).scrollIntoViewIfNeeded();
    await users.scrollIntoViewIfNeeded();
    await sleep(400);
    await page.locator('iframe.webview.ready').first().screenshot({ path: path.join(ARTIFACTS, 'panel-dimensions.png') });
    const box = view.getByLabel('User filter');
    await box.click();
    await box.fill('bo');
    // the suggestions come from the sidecar (the snapshot's filter_options; dimensionValues past its top)
    await view.locator('#dim-values-user option[value="bob"]').waitFor({ state: 'attached', timeout: 20000 });
    await box.fill('bob');
    for (let i = 0; i < 40; i += 1) {
      const items = await users.getByRole('listitem').allInnerTexts();
      if (items.length === 1 && items[0].includes('bob')) break;
      await sleep(500);
    }
    const items = await users.getByRole('listitem').allInnerTexts();
    assert.equal(items.length, 1, `cost by user under the filter: ${items}`);
    assert.ok(items[0].includes('bob') && items[0].includes('3 calls'), items[0]);
  });
});
