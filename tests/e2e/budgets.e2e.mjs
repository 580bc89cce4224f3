// End-to-end for issue 15 in a real VS Code (code-server): "Empathy: Set Budget…" from the palette
// writes budgets.yaml through the sidecar, the panel's budget strip shows the spend, the projection
// and its interval (the CLI's numbers for the same files), the status bar shows the month budget,
// and appending a costly call crosses the 50% level: its tick is marked as reached and the budget's
// VS Code channel shows the notification. Screenshot: .artifacts/panel-budget.png (scripts/update_screenshots copies it to docs/guides/img/).
// Run with scripts/test_e2e (it builds the .vsix and passes its path).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { appendCall, callRecord, cliBudgets, PY, writeDemo } from './data.mjs';
import {
  BASE_SETTINGS, installVsix, launchBrowser, makeSandbox, openWorkbench, panelView, REPO, runCommand, sleep,
  startCodeServer, writeUserSettings,
} from './harness.mjs';

const VSIX = process.env.EMPATHY_VSIX;
const SHOT = path.join(REPO, '.artifacts', 'panel-budget.png');
const NAME = 'team-monthly';
const ROW = `[data-testid="budget-strip"] li[data-budget="${NAME}"]`;

const sb = makeSandbox('empathy-e2e-budgets-');
const ws = sb.dirs.ws;
let cs;
let ctx;
let page;
let view;

/** Types one answer into the open quick input once its title says which step it is. */
async function answer(title, text) {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: 15000 });
  const input = page.locator('.quick-input-widget input');
  await input.fill(text);
  await sleep(200);
  await page.keyboard.press('Enter');
}

describe('issue 15 budgets in code-server', { concurrency: false }, () => {
  before(async () => {
    assert.ok(VSIX && fs.existsSync(VSIX), 'EMPATHY_VSIX must name the built .vsix');
    writeDemo(ws, { calls: 200, days: 7 });
    writeUserSettings(sb, { ...BASE_SETTINGS, 'empathy.pythonPath': PY, 'empathy.defaultRange': '7d', 'empathy.debounceMs': 100 });
    installVsix(sb, VSIX);
    cs = await startCodeServer(sb, ws);
    ctx = await launchBrowser(sb, { width: 1400, height: 900 });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    await openWorkbench(page, cs.url);
    await runCommand(page, 'View: Close Primary Side Bar');
    await runCommand(page, 'Empathy: Open Telemetry Panel');
    view = panelView(page);
    await view.getByTestId('budget-strip').waitFor({ timeout: 60000 });
  });

  let step = 0;
  afterEach(async () => {
    step += 1;
    if (process.env.EMPATHY_E2E_KEEP) await page?.screenshot({ path: path.join(sb.root, `step-${step}.png`) }).catch(() => undefined);
  });

  after(async () => {
    await ctx?.close().catch(() => undefined);
    cs?.stop();
    if (process.env.EMPATHY_E2E_KEEP) console.log(`# sandbox kept: ${sb.root}`);
    else fs.rmSync(sb.root, { recursive: true, force: true });
  });

  it('offers "Set budget…" while no budgets.yaml exists', { timeout: 30000 }, async () => {
    const strip = view.getByTestId('budget-strip');
    assert.match(await strip.innerText(), /No budget set\./);
    await strip.getByRole('button', { name: 'Set budget…' }).waitFor({ timeout: 5000 });
    assert.equal(fs.existsSync(path.join(ws, '.empathy', 'budgets.yaml')), false, 'a budgets.yaml exists by default');
  });

  it('sets a budget from the palette and shows the strip, the projection and the status bar', { timeout: 90000 }, async () => {
    await runCommand(page, 'Empathy: Set Budget…');
    await answer('Set Budget (1/3): name', NAME);
    await answer('Set Budget (2/3): amount', '100');
    await answer('Set Budget (3/3)', 'Month');
    await page.locator('.notification-toast', { hasText: `budget "${NAME}" set in budgets.yaml` }).first().waitFor({ timeout: 20000 });
    const yaml = fs.readFileSync(path.join(ws, '.empathy', 'budgets.yaml'), 'utf8');
    assert.match(yaml, new RegExp(`name: ${NAME}\\n\\s+amount: 100\\n\\s+period: month`));
    assert.match(yaml, /- vscode/);

    const row = view.locator(ROW);
    await row.waitFor({ timeout: 30000 });
    const cli = cliBudgets(ws).budgets.find((b) => b.name === NAME);
    assert.ok(cli, 'the CLI does not see the budget');
    const text = await row.innerText();
    assert.ok(text.includes(cli.headline), `strip: ${text} / CLI headline: ${cli.headline}`);
    assert.match(text, /projected \$[\d.,]+ by the period's end \(80%: \$[\d.,]+–\$[\d.,]+\)/);
    assert.match(text, /on track: ~\$|runs out /);
    assert.match(text, /last hour · .* last 24 h · .*\/day over 7 d/);
    // The projection marker and interval are drawn from the sidecar's fractions.
    const x1 = await row.getByTestId('budget-projection').getAttribute('x1');
    assert.match(x1, /^\d+(\.\d+)?(e-\d+)?%$/);
    assert.equal(await row.locator('line.budget-level[data-fired="true"]').count(), 0, 'a level is reached before any spend');
    const status = page.locator('.statusbar-item', { hasText: 'of $100 this month' }).first();
    await status.waitFor({ timeout: 15000 });
  });

  it('an appended costly call crosses 50%: the tick is marked reached and the notification shows', { timeout: 90000 }, async () => {
    await runCommand(page, 'Notifications: Clear All Notifications').catch(() => undefined);
    appendCall(ws, callRecord({ workflow_name: 'code-review', estimated_cost: 60 }));
    const row = view.locator(ROW);
    await row.locator('line.budget-level[data-level="50"][data-fired="true"]').waitFor({ state: 'attached', timeout: 30000 });
    assert.equal(await row.locator('line.budget-level[data-level="80"]').getAttribute('data-fired'), 'false');
    assert.equal((await row.locator('.badge').innerText()).trim(), '50% reached');
    const toast = page.locator('.notification-toast', { hasText: `budget ${NAME}: 50% reached` }).first();
    await toast.waitFor({ timeout: 30000 });
    const cli = cliBudgets(ws).budgets.find((b) => b.name === NAME);
    assert.ok((await row.innerText()).includes(cli.headline), `CLI headline ${cli.headline}`);
    assert.ok(cli.levels.find((lv) => lv.percent === 50).fired, 'the CLI does not see the 50% level as fired');
    await page.locator('.statusbar-item', { hasText: cli.headline.replace(' this month', '') }).first().waitFor({ timeout: 15000 });

    // The toasts are checked above; over the panel they would hide part of the picture.
    await runCommand(page, 'Notifications: Clear All Notifications').catch(() => undefined);
    await view.locator('main.app').evaluate((el) => el.ownerDocument.scrollingElement?.scrollTo(0, 0));
    await view.getByTestId('budget-strip').scrollIntoViewIfNeeded();
    await sleep(500);
    fs.mkdirSync(path.dirname(SHOT), { recursive: true });
    // The panel only (the webview's iframe), as the docs show it.
    await page.locator('iframe.webview.ready').first().screenshot({ path: SHOT });
  });
});
