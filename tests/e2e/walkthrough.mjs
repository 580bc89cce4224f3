// The 2-minute walkthrough video (issue 20): drives the packaged extension in a real code-server
// through a scripted tour, captures the frames with the DevTools screencast (Playwright's own video
// needs an ffmpeg download these machines cannot reach), then encodes them with the system ffmpeg.
// Not an *.e2e.mjs file: the e2e suite does not run it. scripts/record_walkthrough runs it.
//
//   node tests/e2e/walkthrough.mjs --out docs/media/walkthrough.webm [--frames DIR] [--encode-only]
//
// Video time is wall time, except that a wait for the UI longer than WAIT_CAP_S plays sped up to
// that length (a loaded machine must not decide how long the video is); each step then holds its
// caption for a fixed time. Captions are burned into the frames (a fixed element on the workbench
// page, textContent only) and written as a WebVTT track next to the video with the same times.
// A step that fails exits 1 with its name; nothing is encoded then.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appendCall, callRecord, callsById, cliTelemetry, PY, unpricedCall, writeDemo } from './data.mjs';
import {
  BASE_SETTINGS, installVsix, launchBrowser, makeSandbox, openWorkbench, panelView, REPO, runCommand, sleep,
  startCodeServer, writeUserSettings,
} from './harness.mjs';

const WIDTH = 1280;
const HEIGHT = 800;
const FPS = 12;
const WAIT_CAP_S = 1.0;
const MIN_S = 104;
const MAX_S = 146;
const EMPATHY = path.join(REPO, '.venv/bin/empathy');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const OUT = path.resolve(arg('--out', path.join(REPO, 'docs/media/walkthrough.webm')));
const FRAMES = path.resolve(arg('--frames', path.join(REPO, '.artifacts/walkthrough')));
const ENCODE_ONLY = process.argv.includes('--encode-only');
const FFMPEG = process.env.FFMPEG || '/usr/bin/ffmpeg';

const log = (msg) => console.error(`walkthrough: ${msg}`);
const now = () => Date.now() / 1000;

const ALERTS_YAML = `# stdout actions only: nothing leaves the machine during the walkthrough.
alerts:
  - name: Daily spend
    description: Today's spend passed a tenth of a cent
    condition: {metric: daily_cost, operator: gt, threshold: 0.001}
    severity: warning
    actions: [stdout]
  - name: Error rate
    condition: {metric: error_rate, operator: gt, threshold: 90, window: 24h}
    actions: [stdout]
`;

// --- recording state --------------------------------------------------------------------------
const frames = []; // {file, ts} (ts: seconds since the epoch, the browser's frame swap time)
const captions = []; // {text, ts}
const waits = []; // [a, b] wall intervals that play sped up to WAIT_CAP_S
let t0 = 0;
let tEnd = 0;

let sb;
let cs;
let ctx;
let page;
let view;
let ws;

/** Runs `fn` (a wait for the UI or an action); its time beyond WAIT_CAP_S is sped up in the video. */
async function ui(fn) {
  const a = now();
  try {
    return await fn();
  } finally {
    const b = now();
    if (b - a > WAIT_CAP_S) waits.push([a, b]);
  }
}

async function caption(text) {
  captions.push({ text, ts: now() });
  log(`caption: ${text}`);
  await page.evaluate((line) => {
    let el = document.getElementById('walkthrough-caption');
    if (!el) {
      el = document.createElement('div');
      el.id = 'walkthrough-caption';
      Object.assign(el.style, {
        position: 'fixed', left: '16px', bottom: '34px', maxWidth: '760px', zIndex: '2147483647',
        background: 'rgba(20, 20, 20, 0.85)', color: '#fff', font: '600 17px/1.4 system-ui, sans-serif',
        padding: '8px 14px', borderRadius: '6px', pointerEvents: 'none', boxShadow: '0 2px 8px rgba(0,0,0,0.4)',
      });
      document.body.appendChild(el);
    }
    el.textContent = line;
  }, text);
}

const hold = (s) => sleep(s * 1000);

async function scrollPanelTo(locator) {
  await ui(() => locator.scrollIntoViewIfNeeded({ timeout: 20000 }));
}

async function scrollPanelTop() {
  await view.locator('main.app').evaluate((el) => el.ownerDocument.scrollingElement?.scrollTo({ top: 0 }));
}

async function clearToasts() {
  await ui(() => runCommand(page, 'Notifications: Clear All Notifications').catch(() => undefined));
}

/** Runs the palette command whose label is exactly `title` (runCommand takes the first fuzzy match). */
async function paletteExact(title) {
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 20000 });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.getByText(title, { exact: true }) }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 5000 });
      await row.click();
      return;
    } catch {
      await page.keyboard.press('Escape');
      await sleep(500);
    }
  }
  throw new Error(`command "${title}" never appeared in the palette`);
}

const feedRows = () => view.getByRole('table', { name: 'Activity feed' }).locator('[role="row"][data-call-id]');

// --- the tour -----------------------------------------------------------------------------------
const STEPS = [
  ['intro', async () => {
    await caption('Empathy Telemetry: the LLM calls your app logs in .empathy/, as numbers you can trust, in VS Code');
    await hold(6);
  }],
  ['open the panel from the palette', async () => {
    await caption('F1 → "Empathy: Open Telemetry Panel"');
    await hold(1.5);
    await ui(() => runCommand(page, 'Empathy: Open Telemetry Panel'));
    view = panelView(page);
    await ui(() => view.getByTestId('card-calls').locator('.card-value').first().waitFor({ timeout: 120000 }));
    await hold(5);
  }],
  ['cards and range switch', async () => {
    await caption('The cards: calls, cost, success rate, latency, tokens; switch the range: Today, 30d, 7d');
    await hold(3);
    const range = view.getByRole('group', { name: 'Time range' });
    for (const r of ['Today', '30d', '7d']) {
      await ui(() => range.getByRole('button', { name: r, exact: true }).click({ timeout: 20000 }));
      await ui(() => range.locator(`button[aria-pressed="true"]`, { hasText: r }).waitFor({ timeout: 20000 }));
      await hold(2.5);
    }
  }],
  ['a chart as a table', async () => {
    const card = view.locator('section[data-chart-id="cost-by-provider"]');
    await scrollPanelTo(card);
    await caption('Every chart has "Show as table": the same numbers, readable by screen readers');
    await hold(2);
    await ui(() => card.getByRole('button', { name: 'Show as table' }).click({ timeout: 20000 }));
    await ui(() => card.locator('.chart-table table').first().waitFor({ timeout: 20000 }));
    await hold(4);
    await ui(() => card.getByRole('button', { name: 'Show as table' }).click({ timeout: 20000 }));
    await ui(() => card.locator('.chart-box').waitFor({ timeout: 20000 }));
    await hold(1.5);
  }],
  ['a filter', async () => {
    await ui(scrollPanelTop);
    await caption('Filters narrow every number: here Provider = openai');
    await hold(2);
    const select = view.getByRole('combobox', { name: 'Provider', exact: true });
    const calls = await view.getByTestId('card-calls').locator('.card-value').first().innerText();
    await ui(() => select.selectOption('openai', { timeout: 20000 }));
    await ui(async () => {
      for (const deadline = Date.now() + 30000; Date.now() < deadline; await sleep(100)) {
        if ((await view.getByTestId('card-calls').locator('.card-value').first().innerText()) !== calls) return;
      }
      throw new Error('the calls card did not change after filtering');
    });
    await hold(4);
    await ui(() => select.selectOption({ index: 0 }, { timeout: 20000 }));
    await hold(2);
  }],
  ['a call arriving live', async () => {
    const feed = view.getByRole('table', { name: 'Activity feed' });
    await scrollPanelTo(feed);
    await caption('Your app appends a line to llm_calls.jsonl: the feed and the cards update within a second');
    await hold(2.5);
    const rec = appendCall(ws, callRecord({ workflow_name: 'code-review', step_name: 'live-demo', provider: 'anthropic' }));
    await ui(() => view.locator(`[data-call-id="${rec.call_id}"]`).first().waitFor({ timeout: 30000 }));
    await hold(4);
  }],
  ['click-through to the source line', async () => {
    await caption('Click a feed row: the workflow source that made the call opens at its line');
    await hold(2);
    const byId = callsById(ws);
    const rows = feedRows();
    const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-call-id')));
    const id = ids.find((i) => byId.get(i)?.metadata?.source_file);
    if (!id) throw new Error('no feed row with a source_file');
    const rec = byId.get(id);
    await ui(() => view.locator(`[role="row"][data-call-id="${id}"]`).click({ timeout: 20000 }));
    const file = path.basename(rec.metadata.source_file);
    await ui(() => page.locator(`.tab[aria-label^="${file}"]`).first().waitFor({ timeout: 30000 }));
    await ui(() => page.waitForFunction(
      (line) => document.querySelector('#status\\.editor\\.selection')?.textContent?.includes(`Ln ${line},`),
      rec.metadata.source_line,
      { timeout: 20000 },
    ));
    log(`opened ${file} at line ${rec.metadata.source_line}`);
    await hold(4.5);
    await ui(() => page.locator(`.tab[aria-label^="${file}"]`).first().click({ button: 'middle', timeout: 20000 }));
    await ui(() => page.locator(`.tab[aria-label^="${file}"]`).first().waitFor({ state: 'detached', timeout: 20000 }));
    await ui(() => page.locator('.tab[aria-label^="Empathy Telemetry"]').first().click({ timeout: 20000 }));
    await ui(() => view.getByTestId('card-calls').waitFor({ timeout: 20000 }));
  }],
  ['an unpriced call', async () => {
    await ui(scrollPanelTop);
    await caption('A model no price book knows: its calls show as unpriced, never as $0');
    await hold(1.5);
    for (let i = 0; i < 2; i++) appendCall(ws, unpricedCall());
    await ui(() => view.getByTestId('unpriced').waitFor({ timeout: 30000 }));
    await hold(4);
  }],
  ['the cost-source toggle', async () => {
    await caption('Cost source: Auto (actual, else the writer, else list price), Writer only, or List price');
    await hold(1.5);
    const card = view.getByTestId('card-cost').locator('.card-value').first();
    for (const mode of ['Writer', 'List', 'Auto']) {
      const before = await card.innerText();
      await ui(() => view.getByRole('button', { name: mode, exact: true }).click({ timeout: 20000 }));
      await ui(() => view.locator('button[aria-pressed="true"]', { hasText: mode }).first().waitFor({ timeout: 20000 }));
      await ui(async () => {
        for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(100)) if ((await card.innerText()) !== before) return;
      });
      await hold(2.5);
    }
  }],
  ['a budget with its projection', async () => {
    const strip = view.getByTestId('budget-strip');
    await ui(() => strip.locator('li[data-budget]').first().waitFor({ timeout: 30000 }));
    await scrollPanelTo(strip);
    await caption('A month budget: spent so far, the projection by the month\'s end and its 80% interval');
    await hold(7);
  }],
  ['an alert from the palette', async () => {
    await clearToasts();
    await caption('F1 → "Empathy: Test Alert…" evaluates a rule now and sends nothing');
    await hold(1.5);
    await ui(() => runCommand(page, 'Empathy: Test Alert…'));
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Daily spend' }).first();
    await ui(() => row.waitFor({ timeout: 30000 }));
    await hold(1.5);
    await ui(() => row.click({ timeout: 20000 }));
    await ui(() => page.locator('.notification-toast', { hasText: 'Alert "Daily spend"' }).first().waitFor({ timeout: 30000 }));
    await hold(5);
  }],
  ['Export CSV', async () => {
    await clearToasts();
    await ui(scrollPanelTop);
    await caption('Export CSV: every call in view, with its cost source, to a file in the workspace');
    await hold(1.5);
    const before = new Set(fs.readdirSync(ws));
    await ui(() => view.getByRole('button', { name: 'Export CSV' }).click({ timeout: 20000 }));
    await ui(() => page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 30000 }));
    await hold(1.5);
    await page.keyboard.press('Enter');
    await ui(async () => {
      for (const deadline = Date.now() + 30000; Date.now() < deadline; await sleep(200)) {
        const created = fs.readdirSync(ws).find((f) => f.endsWith('.csv') && !before.has(f));
        if (created) return log(`exported ${created}`);
      }
      throw new Error('no CSV file appeared in the workspace');
    });
    await hold(3.5);
  }],
  ['a light/dark theme switch', async () => {
    await clearToasts();
    await caption('The panel follows the theme: Preferences: Color Theme → Dark Modern');
    await hold(1.5);
    await ui(() => paletteExact('Preferences: Color Theme'));
    const input = page.locator('.quick-input-widget input');
    await ui(() => page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor({ timeout: 20000 }));
    // VS Code lists the theme as "Dark Modern" (its id is "Default Dark Modern").
    await input.fill('Dark Modern');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Dark Modern' }).first();
    try {
      await ui(() => row.waitFor({ timeout: 20000 }));
      await hold(1);
      await page.keyboard.press('Enter');
    } catch (err) {
      // The picker is VS Code's, not ours: if its labels change, switch by the setting instead.
      log(`theme picker had no "Dark Modern" row (${String(err).split('\n')[0]}); setting workbench.colorTheme`);
      await page.keyboard.press('Escape');
      writeUserSettings(sb, { 'workbench.colorTheme': 'Default Dark Modern' });
    }
    await ui(() => page.waitForFunction(() => document.querySelector('.monaco-workbench')?.classList.contains('vs-dark'), null, { timeout: 30000 }));
    await hold(5);
  }],
  ['outro', async () => {
    await caption('Try it: ./scripts/demo opens this panel on demo data. Docs: README.md and docs/guides/');
    await hold(5);
  }],
];

// --- setup, recording, teardown ---------------------------------------------------------------
async function setUp() {
  const vsix = process.env.EMPATHY_VSIX;
  if (!vsix || !fs.existsSync(vsix)) throw new Error('EMPATHY_VSIX must name the built .vsix');
  sb = makeSandbox('empathy-walkthrough-');
  ws = sb.dirs.ws;
  writeDemo(ws, { calls: 400, days: 7 });
  // Calls the writer priced far below the list price: the cost-source toggle visibly changes the total.
  for (let i = 0; i < 4; i++) {
    appendCall(ws, callRecord({ provider: 'openai', model_id: 'gpt-4o', estimated_cost: 0.0001, input_tokens: 400_000, output_tokens: 50_000 }));
  }
  fs.writeFileSync(path.join(ws, '.empathy', 'alerts.yaml'), ALERTS_YAML);
  // A month budget a few times this month's demo spend, so its levels stay quiet and the projection shows.
  const month = cliTelemetry(ws, ['--range', '30d']).overview.total_cost;
  const amount = Math.max(5, Math.ceil(month * 3));
  execFileSync(EMPATHY, ['budget', 'set', 'team-month', '--amount', String(amount), '--period', 'month', '--yes'], {
    cwd: ws,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  writeUserSettings(sb, {
    ...BASE_SETTINGS, 'empathy.pythonPath': PY, 'empathy.defaultRange': '7d', 'empathy.debounceMs': 100,
    'workbench.colorTheme': 'Default Light Modern', 'editor.minimap.enabled': false,
  });
  installVsix(sb, vsix);
  cs = await startCodeServer(sb, ws);
  ctx = await launchBrowser(sb, { width: WIDTH, height: HEIGHT });
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.setDefaultTimeout(30000);
  await openWorkbench(page, cs.url);
  await runCommand(page, 'View: Close Primary Side Bar');
  await clearToasts();
  await sleep(2000);
}

async function startCapture() {
  fs.rmSync(FRAMES, { recursive: true, force: true });
  fs.mkdirSync(FRAMES, { recursive: true });
  const cdp = await ctx.newCDPSession(page);
  cdp.on('Page.screencastFrame', ({ data, metadata, sessionId }) => {
    const file = `f${String(frames.length).padStart(6, '0')}.jpg`;
    fs.writeFileSync(path.join(FRAMES, file), Buffer.from(data, 'base64'));
    frames.push({ file, ts: metadata.timestamp ?? now() });
    void cdp.send('Page.screencastFrameAck', { sessionId }).catch(() => undefined);
  });
  t0 = now();
  await cdp.send('Page.startScreencast', { format: 'jpeg', quality: 80, maxWidth: WIDTH, maxHeight: HEIGHT, everyNthFrame: 1 });
  return cdp;
}

async function tearDown() {
  await ctx?.close().catch(() => undefined);
  cs?.stop();
  if (sb && !process.env.EMPATHY_E2E_KEEP) fs.rmSync(sb.root, { recursive: true, force: true });
}

async function record() {
  try {
    await setUp();
  } catch (err) {
    log(`step "setup" failed: ${err?.stack ?? err}`);
    await tearDown();
    process.exit(1);
  }
  const cdp = await startCapture();
  for (const [name, run] of STEPS) {
    const a = now();
    try {
      await run();
    } catch (err) {
      log(`step "${name}" failed: ${err?.stack ?? err}`);
      await page.screenshot({ path: path.join(FRAMES, 'failed-step.png') }).catch(() => undefined);
      await tearDown();
      process.exit(1);
    }
    log(`step "${name}" done in ${(now() - a).toFixed(1)} s (wall)`);
  }
  tEnd = now();
  await cdp.send('Page.stopScreencast').catch(() => undefined);
  await sleep(300);
  await tearDown();
  fs.writeFileSync(path.join(FRAMES, 'timeline.json'), JSON.stringify({ t0, tEnd, frames, captions, waits }, null, 1));
  log(`recorded ${frames.length} frames over ${(tEnd - t0).toFixed(1)} s wall`);
}

// --- encoding ---------------------------------------------------------------------------------
/** Wall time -> video time: waits play sped up to WAIT_CAP_S, the rest at 1x. */
function videoClock(start, waitsWall) {
  const cuts = waitsWall.filter(([a, b]) => b > start).map(([a, b]) => [Math.max(a, start), b]).sort((x, y) => x[0] - y[0]);
  // Nested ui() calls: keep the outermost intervals only.
  const merged = [];
  for (const c of cuts) {
    const last = merged[merged.length - 1];
    if (last && c[0] <= last[1]) last[1] = Math.max(last[1], c[1]);
    else merged.push([...c]);
  }
  return (t) => {
    let v = t - start;
    for (const [a, b] of merged) {
      if (t <= a) break;
      const len = b - a;
      const rate = Math.min(1, WAIT_CAP_S / len);
      v -= (Math.min(t, b) - a) * (1 - rate);
    }
    return Math.max(0, v);
  };
}

function vttTime(s) {
  const ms = Math.round(s * 1000);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(Math.floor(ms / 3600000))}:${p(Math.floor(ms / 60000) % 60)}:${p(Math.floor(ms / 1000) % 60)}.${p(ms % 1000, 3)}`;
}

function encode() {
  const tl = JSON.parse(fs.readFileSync(path.join(FRAMES, 'timeline.json'), 'utf8'));
  const clock = videoClock(tl.t0, tl.waits);
  let total = clock(tl.tEnd);
  // The last resort for a machine slow beyond the caps: scale the whole timeline into range.
  const scale = total > MAX_S ? (MAX_S - 2) / total : 1;
  const at = (t) => clock(t) * scale;
  total *= scale;
  const pad = total < MIN_S ? MIN_S + 1 - total : 0; // the outro's last frame holds longer
  total += pad;
  log(`video: ${total.toFixed(1)} s (wall ${(tl.tEnd - tl.t0).toFixed(1)} s, ${tl.waits.length} waits capped, scale ${scale.toFixed(3)}, pad ${pad.toFixed(1)} s)`);

  const fr = tl.frames.filter((f) => f.ts <= tl.tEnd);
  if (fr.length === 0) throw new Error('no frames captured');
  const lines = ['ffconcat version 1.0'];
  for (let i = 0; i < fr.length; i++) {
    const start = i === 0 ? 0 : at(fr[i].ts);
    const end = i + 1 < fr.length ? at(fr[i + 1].ts) : total;
    lines.push(`file '${fr[i].file}'`, `duration ${Math.max(0.001, end - start).toFixed(4)}`);
  }
  lines.push(`file '${fr[fr.length - 1].file}'`);
  const list = path.join(FRAMES, 'frames.ffconcat');
  fs.writeFileSync(list, `${lines.join('\n')}\n`);

  const cues = ['WEBVTT', ''];
  tl.captions.forEach((c, i) => {
    const start = at(c.ts);
    const end = i + 1 < tl.captions.length ? at(tl.captions[i + 1].ts) : total;
    cues.push(String(i + 1), `${vttTime(start)} --> ${vttTime(Math.max(start + 0.5, end))}`, c.text, '');
  });

  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  const tmp = `${OUT}.tmp.webm`;
  const args = [
    '-hide_banner', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list,
    '-vf', `fps=${FPS},scale=${WIDTH}:${HEIGHT}:flags=bicubic,setsar=1,format=yuv420p`,
    '-t', total.toFixed(3), '-c:v', 'libvpx-vp9', '-b:v', '0', '-crf', '40', '-row-mt', '1', '-deadline', 'good',
    '-cpu-used', '4', '-threads', '2', '-an', tmp,
  ];
  log(`${FFMPEG} ${args.join(' ')}`);
  const r = spawnSync(FFMPEG, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`ffmpeg exited ${r.status}`);
  fs.renameSync(tmp, OUT);
  fs.writeFileSync(OUT.replace(/\.webm$/, '.vtt'), cues.join('\n'));
  log(`wrote ${OUT} and its .vtt (${tl.captions.length} captions)`);
}

if (!ENCODE_ONLY) await record();
try {
  encode();
} catch (err) {
  log(`step "encode" failed: ${err?.stack ?? err}`);
  process.exit(1);
}
