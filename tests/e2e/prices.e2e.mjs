// End-to-end (issue 13): unpriced calls are shown on the Total cost card, never as $0; the panel's
// cost-mode toggle changes that card (writer vs list numbers differ on this data) and marks a view
// that differs from the workspace's mode; "Add a price" opens prices.yaml at the model's stub.
// Run with scripts/test_e2e (it sets up the cached tools, builds the .vsix and passes its path).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appendCall, callRecord, cliTelemetry, PY, UNKNOWN_MODEL as UNKNOWN, unpricedCall, writeDemo } from './data.mjs';
import {
  BASE_SETTINGS, cursorPosition, installVsix, launchBrowser, makeSandbox, openWorkbench, panelView, REPO,
  runCommand, sleep, startCodeServer, writeUserSettings,
} from './harness.mjs';

const VSIX = process.env.EMPATHY_VSIX;
const ARTIFACTS = path.join(REPO, '.artifacts');
const UNPRICED_CALLS = 3;

const sb = makeSandbox('empathy-e2e-prices-');
const ws = sb.dirs.ws;
let cs;
let ctx;
let page;
let view;

const digits = (text) => Number(text.replace(/[^0-9.]/g, ''));
const costCard = () => view.locator('[data-testid="card-cost"]');
const costValue = () => costCard().locator('.card-value').first().innerText({ timeout: 1000 });

/** Waits until the Total cost card shows `dollars` (to the cent), as the CLI computed it. */
async function waitForCost(dollars, timeout = 20000) {
  const want = dollars.toFixed(2);
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = await costValue().catch(() => '');
    if (last && digits(last).toFixed(2) === want) return last;
    await sleep(100);
  }
  throw new Error(`Total cost card shows "${last}", expected $${want}`);
}

before(async () => {
  assert.ok(VSIX && fs.existsSync(VSIX), 'EMPATHY_VSIX must name the built .vsix');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  writeDemo(ws, { calls: 300, days: 7 });
  // Unknown model, writer wrote 0: unpriced (its tokens are not $0).
  for (let i = 0; i < UNPRICED_CALLS; i++) {
    appendCall(ws, unpricedCall());
  }
  // A known model whose writer prices it far below the list price: writer and list totals differ.
  for (let i = 0; i < 4; i++) {
    appendCall(ws, callRecord({ provider: 'openai', model_id: 'gpt-4o', estimated_cost: 0.0001, input_tokens: 400_000, output_tokens: 50_000 }));
  }
  // Prompt-cache tokens at the top level (Anthropic's names): the cards show them, the hit rate and the savings.
  for (let i = 0; i < 2; i++) appendCall(ws, callRecord({ cache_read_input_tokens: 200_000, cache_creation_input_tokens: 10_000 }));
  writeUserSettings(sb, { ...BASE_SETTINGS, 'empathy.pythonPath': PY, 'empathy.defaultRange': '7d', 'empathy.debounceMs': 100 });
  installVsix(sb, VSIX);
  cs = await startCodeServer(sb, ws);
  ctx = await launchBrowser(sb);
  page = ctx.pages()[0] ?? (await ctx.newPage());
  await openWorkbench(page, cs.url);
});

after(async () => {
  await ctx?.close().catch(() => undefined);
  cs?.stop();
  if (process.env.EMPATHY_E2E_KEEP) console.log(`# sandbox kept: ${sb.root}`);
  else fs.rmSync(sb.root, { recursive: true, force: true });
});

describe('prices in the panel (code-server)', { concurrency: false }, () => {
  let cliAuto;

  it('shows "+ N calls unpriced" with the model on the Total cost card', { timeout: 90000 }, async () => {
    await runCommand(page, 'Empathy: Open Telemetry Panel');
    view = panelView(page);
    cliAuto = cliTelemetry(ws, ['--range', '7d']);
    assert.equal(cliAuto.overview.unpriced_calls, UNPRICED_CALLS, 'the CLI counts the unknown model as unpriced');
    await waitForCost(cliAuto.overview.total_cost, 60000);
    const badge = view.locator('[data-testid="unpriced"]');
    await badge.waitFor({ timeout: 10000 });
    const text = await badge.innerText();
    assert.match(text, new RegExp(`\\+ ${UNPRICED_CALLS} calls unpriced`));
    // Cut with an ellipsis; the full id is in the title.
    assert.ok(text.includes(UNKNOWN.slice(0, 20)), `badge text: ${text}`);
    assert.equal(await badge.locator(`span.truncate[title*="${UNKNOWN}"]`).count(), 1);
    // Cache numbers as the sidecar computed them, only formatted.
    const o = cliAuto.overview;
    assert.ok(o.cache_read_tokens > 0 && o.cache_hit_rate !== null, 'the CLI reads the cache tokens');
    const cache = await view.locator('[data-testid="cache-tokens"]').innerText();
    assert.ok(cache.includes(`${o.cache_hit_rate.toFixed(1)}% hit`), `cache line "${cache}", CLI hit rate ${o.cache_hit_rate}`);
    const saved = await view.locator('[data-testid="cache-savings"]').innerText();
    assert.equal(saved, `cache saved $${o.cache_savings.toFixed(2)}`);
    // The workspace's mode is selected; no "this view only" mark yet.
    assert.equal(await view.getByRole('button', { name: 'Auto', exact: true }).getAttribute('aria-pressed'), 'true');
    assert.equal(await view.locator('[data-testid="cost-mode-mark"]').count(), 0);
  });

  it('the activity feed shows each unpriced call with a badge, never $0.00', { timeout: 30000 }, async () => {
    const rows = view.locator('.activity-table tr[data-call-id]', { hasText: UNKNOWN });
    await rows.first().waitFor({ timeout: 10000 });
    assert.equal(await rows.count(), UNPRICED_CALLS);
    for (let i = 0; i < UNPRICED_CALLS; i++) {
      const row = rows.nth(i);
      assert.equal(await row.locator('[data-testid="call-unpriced"]').innerText(), 'unpriced');
      const text = await row.innerText();
      assert.ok(!/\$0\.0/.test(text), `an unpriced row shows a dollar figure: ${text}`);
    }
  });

  it('the cost-mode toggle changes the Total cost card (writer vs list) and marks the view', { timeout: 60000 }, async () => {
    const writer = cliTelemetry(ws, ['--range', '7d', '--cost', 'writer']).overview.total_cost;
    const list = cliTelemetry(ws, ['--range', '7d', '--cost', 'list']).overview.total_cost;
    assert.notEqual(writer.toFixed(2), list.toFixed(2), `writer $${writer} and list $${list} must differ on this data`);

    await view.getByRole('button', { name: 'Writer', exact: true }).click();
    const writerShown = await waitForCost(writer);
    // auto and writer can agree on this data, so the card may show the writer total before the
    // click's view arrives: wait for the toggle itself to say Writer
    await view.getByRole('button', { name: 'Writer', exact: true, pressed: true }).waitFor({ timeout: 10000 });
    assert.equal(await view.getByRole('button', { name: 'Writer', exact: true }).getAttribute('aria-pressed'), 'true');
    const mark = view.locator('[data-testid="cost-mode-mark"]');
    await mark.waitFor({ timeout: 5000 });
    assert.match(await mark.innerText(), /workspace: auto/);

    const t0 = Date.now();
    await view.getByRole('button', { name: 'List', exact: true }).click();
    const listShown = await waitForCost(list);
    console.log(`# List clicked -> Total cost card changed: ${Date.now() - t0} ms (sidecar + webview, polled every 100 ms)`);
    assert.notEqual(writerShown, listShown);
    console.log(`# Total cost: writer ${writerShown}, list ${listShown}, auto $${cliAuto.overview.total_cost.toFixed(2)}`);
    // The top of the panel: the cost-source toggle, the mark and the Total cost card with its unpriced line.
    await view.locator('main.app').evaluate((el) => el.ownerDocument.scrollingElement?.scrollTo(0, 0));
    await sleep(300);
    await page.locator('iframe.webview.ready').first().screenshot({ path: path.join(ARTIFACTS, 'panel-prices.png') });

    // Back to the workspace's mode: the mark goes away, the card shows the auto total again.
    await view.getByRole('button', { name: 'Auto', exact: true }).click();
    await waitForCost(cliAuto.overview.total_cost);
    await mark.waitFor({ state: 'detached', timeout: 5000 });
  });

  it('"Add a price" opens .empathy/prices.yaml at the stub for the model', { timeout: 60000 }, async () => {
    const file = path.join(ws, '.empathy', 'prices.yaml');
    assert.equal(fs.existsSync(file), false, 'prices.yaml is never created by default');
    await view.getByRole('button', { name: `Add a price for ${UNKNOWN}` }).click();
    await page.locator('.tab[aria-label^="prices.yaml"]').first().waitFor({ timeout: 15000 });
    const yaml = fs.readFileSync(file, 'utf8');
    const line = yaml.split('\n').findIndex((l) => l.includes(UNKNOWN)) + 1;
    assert.ok(line > 0, `prices.yaml names the model:\n${yaml}`);
    // The cursor sits on the stub's first line: the model's own line or just above it.
    await page.waitForFunction(() => /^Ln \d+,/.test(document.querySelector('#status\\.editor\\.selection')?.textContent?.trim() ?? ''), null, { timeout: 10000 });
    const pos = await cursorPosition(page);
    console.log(`# prices.yaml opened at ${pos}; the model is on line ${line}`);
    const at = Number(/^Ln (\d+),/.exec(pos)?.[1]);
    assert.ok(at >= 1 && at <= line && line - at <= 2, `cursor at ${pos}, model on line ${line}`);
  });
});
