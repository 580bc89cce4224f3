// End-to-end for issue 16 in a real VS Code (code-server): HOME holds a Claude Code transcript of
// this workspace (~/.claude/projects/<workspace, encoded>/sess-e2e.jsonl, records with its cwd);
// the panel offers it once, Show writes empathy.sources, and the agent's calls appear in the
// cards and the feed. The planted prompt text never reaches the panel.
// Run with scripts/test_e2e (it builds the .vsix and passes its path).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PY } from './data.mjs';
import {
  BASE_SETTINGS, installVsix, launchBrowser, makeSandbox, openWorkbench, panelView, REPO, runCommand, sleep,
  startCodeServer, writeUserSettings,
} from './harness.mjs';

const VSIX = process.env.EMPATHY_VSIX;
const ARTIFACTS = path.join(REPO, '.artifacts');
const FEED_ROW = '.activity-table tr[data-call-id]';
const SECRET = 'PLANTED-E2E-PROMPT-3b7e';

const sb = makeSandbox('empathy-e2e-sources-');
const ws = fs.realpathSync(sb.dirs.ws);
const home = path.join(sb.root, 'home');
let cs;
let ctx;
let page;
let view;

/** Claude Code's project folder name: every non-alphanumeric character of the path becomes '-'. */
const encode = (p) => p.replace(/[^A-Za-z0-9]/g, '-');

function assistant(mid, rid, ts, usage) {
  return {
    parentUuid: 'u0', isSidechain: false, cwd: ws, sessionId: 'sess-e2e', type: 'assistant',
    uuid: `uu-${mid}`, timestamp: ts, requestId: rid,
    message: {
      id: mid, role: 'assistant', model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: `${SECRET} answer` }], usage,
    },
  };
}

function writeTranscript() {
  const dir = path.join(home, '.claude', 'projects', encode(ws));
  fs.mkdirSync(dir, { recursive: true });
  const t = (minsAgo) => new Date(Date.now() - minsAgo * 60000).toISOString();
  const lines = [
    { type: 'user', cwd: ws, sessionId: 'sess-e2e', uuid: 'u0', timestamp: t(30), message: { role: 'user', content: `please ${SECRET}` } },
    assistant('msg_1', 'req_e2e_1', t(29), { input_tokens: 10, output_tokens: 100, cache_read_input_tokens: 1000 }),
    assistant('msg_1', 'req_e2e_1', t(29), { input_tokens: 10, output_tokens: 100, cache_read_input_tokens: 1000 }),
    assistant('msg_2', 'req_e2e_2', t(20), { input_tokens: 5, output_tokens: 50 }),
  ];
  fs.writeFileSync(path.join(dir, 'sess-e2e.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

describe('issue 16: a coding agent enabled from the panel offer', { concurrency: false }, () => {
  before(async () => {
    assert.ok(VSIX && fs.existsSync(VSIX), 'EMPATHY_VSIX must name the built .vsix');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    writeTranscript();
    writeUserSettings(sb, { ...BASE_SETTINGS, 'empathy.pythonPath': PY, 'empathy.defaultRange': '7d', 'empathy.debounceMs': 100 });
    installVsix(sb, VSIX);
    cs = await startCodeServer(sb, ws, { env: { HOME: home } });
    ctx = await launchBrowser(sb, { width: 1400, height: 900 });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    await openWorkbench(page, cs.url);
    await runCommand(page, 'View: Close Primary Side Bar');
    await runCommand(page, 'Empathy: Open Telemetry Panel');
    view = panelView(page);
  });

  after(async () => {
    await ctx?.close().catch(() => undefined);
    cs?.stop();
    if (process.env.EMPATHY_E2E_KEEP) console.log(`# sandbox kept: ${sb.root}`);
    else fs.rmSync(sb.root, { recursive: true, force: true });
  });

  it('offers Claude Code once; nothing of it is shown before Show', async () => {
    const offer = view.locator('[data-testid="source-offer"]');
    await offer.waitFor({ timeout: 60000 });
    assert.match(await offer.innerText(), /Claude Code usage for this folder found — show it\?/);
    assert.equal(await view.locator(FEED_ROW).count(), 0);
    await page.locator('iframe.webview.ready').first().screenshot({ path: path.join(ARTIFACTS, 'sources-offer.png') });
  });

  it('Show writes empathy.sources and the calls appear in the cards and the feed', async () => {
    await view.locator('[data-testid="source-offer"] button', { hasText: 'Show' }).click();
    await view.locator(`${FEED_ROW}[data-call-id="claude-code:req_e2e_2"]`).waitFor({ timeout: 60000 });
    assert.equal(await view.locator(`${FEED_ROW}[data-call-id^="claude-code:"]`).count(), 2); // streamed twice: once
    assert.match(await view.locator('[data-testid="card-calls"]').innerText(), /\b2\b/);
    assert.match(await view.locator(FEED_ROW).first().innerText(), /claude-sonnet-4-5/);
    assert.equal(await view.locator('[data-testid="source-offer"]').count(), 0);
    const settings = JSON.parse(fs.readFileSync(path.join(ws, '.vscode', 'settings.json'), 'utf8'));
    assert.deepEqual(settings['empathy.sources'], ['claude-code']);
    const text = await view.locator('main.app').innerText();
    assert.ok(!text.includes(SECRET), 'planted prompt text reached the panel');
    await view.locator('main.app').evaluate((el) => el.ownerDocument.scrollingElement?.scrollTo(0, 0));
    await sleep(300);
    await page.locator('iframe.webview.ready').first().screenshot({ path: path.join(ARTIFACTS, 'sources-shown.png') });
  });
});
