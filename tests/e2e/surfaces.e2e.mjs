// End-to-end for issue 12 in a real VS Code (code-server): a workflow named as a command link stays
// text in the notification, a 5,000-character name fits at 500–1,600 px, and a theme pass measures the
// badges' contrast in Light, Dark and High Contrast. Screenshots go to .artifacts/surfaces-*.png.
// Run with scripts/test_e2e (it builds the .vsix and passes its path).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { appendCall, callRecord, PY, writeDemo } from './data.mjs';
import {
  BASE_SETTINGS, installVsix, launchBrowser, makeSandbox, openWorkbench, panelView, REPO, runCommand, sleep,
  startCodeServer, writeUserSettings,
} from './harness.mjs';

const VSIX = process.env.EMPATHY_VSIX;
const ARTIFACTS = path.join(REPO, '.artifacts');
const EVIL = '[Open settings](command:workbench.action.openSettings?%5B%22x%22%5D)';
const FEED_ROW = '.activity-table tr[data-call-id]';
const LONG = `long-${'w'.repeat(4990)}-name`;
const ALERTS_YAML = `alerts:
  - name: Daily budget ${'b'.repeat(120)}
    condition: {metric: daily_cost, operator: gt, threshold: 0.01}
    actions: [stdout]
  - name: Error rate
    condition: {metric: error_rate, operator: gt, threshold: 99, window: 24h}
    actions: [stdout]
`;

const sb = makeSandbox('empathy-e2e-surfaces-');
const ws = sb.dirs.ws;
let cs;
let ctx;
let page;
let view;

async function shot(name) {
  await view.locator('main.app').evaluate((el) => el.ownerDocument.scrollingElement?.scrollTo(0, 0));
  await sleep(400);
  await page.locator('iframe.webview.ready').first().screenshot({ path: path.join(ARTIFACTS, name) });
}

/** Layout facts measured inside the webview document. */
function measure() {
  return view.locator('main.app').evaluate((app) => {
    const doc = app.ownerDocument;
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, width: r.width };
    };
    const strip = doc.querySelector('[data-testid="alerts-strip"]');
    const scroll = doc.querySelector('.table-scroll');
    return {
      scrollWidth: doc.scrollingElement.scrollWidth,
      clientWidth: doc.scrollingElement.clientWidth,
      strip: strip && box(strip),
      tests: [...doc.querySelectorAll('.alert-rule button')].map(box),
      selects: [...doc.querySelectorAll('select')].map(box),
      feed: scroll && box(scroll),
      lastHeader: box(doc.querySelector('.activity-table th:last-child')),
    };
  });
}

describe('issue 12 surfaces in code-server', { concurrency: false }, () => {
  before(async () => {
    assert.ok(VSIX && fs.existsSync(VSIX), 'EMPATHY_VSIX must name the built .vsix');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    writeDemo(ws, { calls: 200, days: 7 });
    // Recent, so both are in the feed and in its Workflow filter.
    appendCall(ws, callRecord({ workflow_name: LONG, estimated_cost: 40, provider: 'openai', model_id: 'gpt-4o', retry_count: 1 }));
    appendCall(ws, callRecord({ workflow_name: EVIL, estimated_cost: 50 }));
    fs.writeFileSync(path.join(ws, '.empathy', 'alerts.yaml'), ALERTS_YAML);
    writeUserSettings(sb, { ...BASE_SETTINGS, 'empathy.pythonPath': PY, 'empathy.defaultRange': '7d', 'empathy.debounceMs': 100 });
    installVsix(sb, VSIX);
    cs = await startCodeServer(sb, ws);
    ctx = await launchBrowser(sb, { width: 1400, height: 900 });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    await openWorkbench(page, cs.url);
    await runCommand(page, 'View: Close Primary Side Bar');
    await runCommand(page, 'Empathy: Open Telemetry Panel');
    view = panelView(page);
    await view.locator(FEED_ROW, { hasText: '[Open settings]' }).waitFor({ timeout: 60000 });
  });

  // With EMPATHY_E2E_KEEP, a screenshot after every test lands in the kept sandbox.
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

  it('a workflow named as a command link shows as text in "No source found", and clicking it runs nothing', { timeout: 60000 }, async () => {
    // A feed row opens its workflow's source; this workspace has none, so VS Code says so.
    await view.locator(FEED_ROW, { hasText: '[Open settings]' }).first().click();
    const toast = page.locator('.notification-toast', { hasText: 'No source found for workflow' }).first();
    await toast.waitFor({ timeout: 20000 });
    const message = toast.locator('.notification-list-item-message');
    const text = (await message.innerText()).replace(/\u2060/g, '');
    assert.ok(text.includes(`"${EVIL}"`), `notification text: ${text}`);
    assert.equal(await message.locator('a').count(), 0, 'the name became a link');
    await page.screenshot({ path: path.join(ARTIFACTS, 'surfaces-command-link-notification.png') });
    await message.click();
    await sleep(2000);
    assert.equal(await page.locator('.settings-editor').count(), 0, 'a settings editor opened');
    assert.equal(await page.locator('.tab', { hasText: 'Settings' }).count(), 0, 'a Settings tab opened');
    await runCommand(page, 'Notifications: Clear All Notifications').catch(() => undefined);
  });

  it('a 5,000-character workflow name fits at 500–1,600 px (screenshots at 540 and 1,400)', { timeout: 90000 }, async () => {
    const select = view.getByRole('combobox', { name: 'Workflow', exact: true });
    await select.selectOption({ value: LONG });
    await view.locator('.activity-table tr[data-call-id] .truncate', { hasText: 'long-www' }).first().waitFor({ timeout: 15000 });
    for (const width of [1400, 540, 500, 800, 1100, 1600]) {
      await page.setViewportSize({ width, height: 900 });
      await sleep(900);
      const m = await measure();
      console.log(`# ${width} px: document ${m.scrollWidth}/${m.clientWidth}, widest select ${Math.max(...m.selects.map((s) => s.width)).toFixed(0)} px`);
      assert.ok(m.scrollWidth <= m.clientWidth, `${width} px: the panel scrolls sideways (${m.scrollWidth} > ${m.clientWidth})`);
      for (const s of m.selects) assert.ok(s.right <= m.clientWidth + 0.5, `${width} px: a dropdown is ${s.width} px wide`);
      assert.ok(m.strip && m.tests.length > 0, 'no alert rules with a Test button');
      for (const b of m.tests) {
        assert.ok(b.left >= m.strip.left - 0.5 && b.right <= m.strip.right + 0.5, `${width} px: Test button ${JSON.stringify(b)} outside its card ${JSON.stringify(m.strip)}`);
      }
      if (width >= 1100) assert.ok(m.lastHeader.right <= m.feed.right + 0.5, `${width} px: the feed's last column is off-screen`);
      if (width === 540 || width === 1400) await shot(`surfaces-long-name-${width}.png`);
    }
    await page.setViewportSize({ width: 1400, height: 900 });
    await select.selectOption({ index: 0 });
  });

  for (const [theme, kind] of [
    ['Default Light Modern', 'vscode-light'],
    ['Default Dark Modern', 'vscode-dark'],
    ['Default High Contrast', 'vscode-high-contrast'],
    ['Default High Contrast Light', 'vscode-high-contrast-light'],
  ]) {
    it(`theme pass: ${theme} draws the charts and its badges reach 4.5:1`, { timeout: 45000 }, async () => {
      writeUserSettings(sb, { 'workbench.colorTheme': theme });
      await view.locator(`body.${kind}`).waitFor({ state: 'attached', timeout: 20000 });
      await sleep(1200);
      assert.ok((await view.locator('canvas').count()) >= 4, 'chart canvases missing');
      const badges = await view.locator('main.app').evaluate((app) => {
        const parse = (c) => {
          const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(c);
          return m ? { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] } : undefined;
        };
        const lum = ({ r, g, b }) => {
          const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
          return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
        };
        const ratio = (x, y) => {
          const [hi, lo] = [lum(x), lum(y)].sort((p, q) => q - p);
          return (hi + 0.05) / (lo + 0.05);
        };
        const over = (t, u) => ({ r: t.r * t.a + u.r * (1 - t.a), g: t.g * t.a + u.g * (1 - t.a), b: t.b * t.a + u.b * (1 - t.a), a: 1 });
        const doc = app.ownerDocument;
        const page = parse(getComputedStyle(doc.body).backgroundColor);
        return [...doc.querySelectorAll('.badge')].map((el) => {
          const s = getComputedStyle(el);
          const fill = over(parse(s.backgroundColor), page);
          return { text: el.textContent, color: s.color, fill: s.backgroundColor, ratio: ratio(over(parse(s.color), fill), fill) };
        });
      });
      console.log(`# ${theme}: ${badges.map((b) => `${b.text} ${b.ratio.toFixed(2)}`).join(', ')}`);
      assert.ok(badges.length >= 2, 'no badges on the panel');
      for (const b of badges) assert.ok(b.ratio >= 4.5, `${theme}: badge "${b.text}" ${b.color} on ${b.fill} is ${b.ratio.toFixed(2)}:1`);
      await shot(`surfaces-theme-${kind}.png`);
    });
  }
});
