// Runs a real VS Code (code-server on Node 24) and drives it with playwright-core + Debian chromium,
// as described in ../shared/VSCODE_E2E.md. Paths come from the env that scripts/e2e_setup writes.
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const need = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through scripts/test_e2e (it sources the e2e_setup env)`);
  return v;
};

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const PANEL_TITLE = 'Empathy Telemetry';

export function playwright() {
  const require = createRequire(path.join(need('E2E_TOOLS'), 'noop.js'));
  return require('playwright-core');
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fresh sandbox: its own XDG dirs, TMPDIR, code-server config, user data and extensions dir. */
export function makeSandbox(prefix = 'empathy-e2e-', fixedRoot = undefined) {
  const root = fixedRoot ?? fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const dirs = {};
  for (const d of ['config', 'data', 'cache', 'tmp', 'user', 'extensions', 'chromium', 'ws']) {
    dirs[d] = path.join(root, d);
    fs.mkdirSync(dirs[d], { recursive: true });
  }
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    TMPDIR: dirs.tmp,
  };
  return { root, dirs, env };
}

/** Writes user settings; also as Machine settings, where a remote window reads machine-scoped ones. */
export function writeUserSettings(sandbox, settings) {
  writeSettings(sandbox, 'User', settings);
  writeSettings(sandbox, 'Machine', settings);
}

function writeSettings(sandbox, kind, settings) {
  const dir = path.join(sandbox.dirs.user, kind);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'settings.json');
  let current = {};
  try {
    current = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    /* first write */
  }
  fs.writeFileSync(file, JSON.stringify({ ...current, ...settings }, null, 2));
}

export const BASE_SETTINGS = {
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'workbench.colorTheme': 'Default Light Modern',
  'update.mode': 'none',
};

function csArgs(sandbox, configFile) {
  return [
    need('CODE_SERVER_ENTRY'),
    '--config', configFile,
    '--user-data-dir', sandbox.dirs.user,
    '--extensions-dir', sandbox.dirs.extensions,
  ];
}

function writeConfig(sandbox, port) {
  const file = path.join(sandbox.dirs.config, 'code-server.yaml');
  fs.writeFileSync(file, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  return file;
}

export function installVsix(sandbox, vsix) {
  const cfg = writeConfig(sandbox, 0);
  execFileSync(need('NODE24'), [...csArgs(sandbox, cfg), '--install-extension', vsix, '--force'], {
    env: sandbox.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Starts code-server in its own process group; resolves once the workbench page answers 200. */
export async function startCodeServer(sandbox, workspace, { port, env = {} } = {}) {
  port ??= await freePort();
  const cfg = writeConfig(sandbox, port);
  const logFile = path.join(sandbox.root, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    need('NODE24'),
    [
      ...csArgs(sandbox, cfg),
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override', '--reconnection-grace-time', '30',
      '--ignore-last-opened', workspace,
    ],
    { env: { ...sandbox.env, ...env }, detached: true, stdio: ['ignore', out, out] },
  );
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}); see ${logFile}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`code-server did not serve the workbench within 30 s; see ${logFile}`);
    }
    await sleep(250);
  }
  return { port, url, child, stop, logFile };
}

export async function launchBrowser(sandbox, { width = 1500, height = 950 } = {}) {
  const { chromium } = playwright();
  return chromium.launchPersistentContext(sandbox.dirs.chromium, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    env: sandbox.env,
    viewport: { width, height },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

export async function openWorkbench(page, url) {
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60000 });
}

/** Runs a palette command by its title, retrying while the extension host is still registering it. */
export async function runCommand(page, title, { attempts = 20 } = {}) {
  for (let i = 0; i < attempts; i++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    try {
      await input.waitFor({ state: 'visible', timeout: 10000 });
      await input.fill(`>${title}`, { timeout: 5000 });
    } catch {
      // The palette can close under us (a toast, a closing modal editor or a focus change left the
      // workbench briefly inert): press Escape and open it again instead of failing the test.
      await page.keyboard.press('Escape');
      await sleep(500);
      continue;
    }
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 2000 });
      await page.keyboard.press('Enter');
      return i + 1;
    } catch {
      await page.keyboard.press('Escape');
      await sleep(500);
    }
  }
  throw new Error(`command "${title}" never appeared in the palette`);
}

/** The panel's inner frame (outer iframe.webview.ready -> inner iframe#active-frame). */
export function panelView(page, title = PANEL_TITLE) {
  const outer = page.locator('iframe.webview.ready').first().contentFrame();
  return outer.locator(`iframe#active-frame[title="${title}"]`).contentFrame();
}

function parentOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/** Pids of processes under `ancestor` whose command line contains every one of `words`. */
export function descendantsMatching(ancestor, words) {
  const out = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd;
    try {
      cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    if (!words.every((w) => cmd.includes(w))) continue;
    for (let p = Number(entry), hops = 0; p > 1 && hops < 50; p = parentOf(p), hops++) {
      if (p === ancestor) {
        out.push(Number(entry));
        break;
      }
    }
  }
  return out;
}

/** Text of the editor's cursor-position item in the status bar, e.g. "Ln 7, Col 1". */
export async function cursorPosition(page) {
  return (await page.locator('#status\\.editor\\.selection').innerText()).trim();
}
