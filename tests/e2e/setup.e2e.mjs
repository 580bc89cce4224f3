// End-to-end: the first-run set-up (issue 19) in a real VS Code (code-server), each test in a fresh
// profile without empathy.pythonPath, with the system python3 (no empathy_monitor), against a
// package index on 127.0.0.1: a wheelhouse downloaded once into ~/.cache/empathy-telemetry/wheelhouse
// and served as a PEP 503 index with `python3 -m http.server`. pip's own config is switched off
// (PIP_CONFIG_FILE=/dev/null), so nothing but that index (or nothing at all) is reachable.
// Run with scripts/test_e2e, or: source ~/.cache/empathy-telemetry/env.sh; EMPATHY_VSIX=… node --test tests/e2e/setup.e2e.mjs
// The platform .vsix comes from EMPATHY_VSIX_PLATFORM, else scripts/build_vsix --target linux-x64.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliTelemetry, writeDemo } from './data.mjs';
import {
  BASE_SETTINGS, freePort, installVsix, launchBrowser, makeSandbox, openWorkbench, panelView, REPO, runCommand,
  sleep, startCodeServer, writeUserSettings,
} from './harness.mjs';

const VSIX = process.env.EMPATHY_VSIX;
const CACHE = process.env.EMPATHY_CACHE ?? path.join(os.homedir(), '.cache/empathy-telemetry');
// Keyed by pyproject.toml: a new dependency (or version) downloads a fresh wheelhouse, so a cached
// one can never miss a wheel the bundled package now needs.
const PROJECT_KEY = crypto.createHash('sha256').update(fs.readFileSync(path.join(REPO, 'pyproject.toml'))).digest('hex').slice(0, 12);
const WHEELHOUSE = path.join(CACHE, `wheelhouse-${PROJECT_KEY}`);
const ARTIFACTS = path.join(REPO, '.artifacts');
const INSTALL_MS = 240000;
const open = [];

/** The dependency wheels for the system python3, downloaded once, laid out as /simple/<name>/. */
function ensureWheelhouse() {
  const simple = path.join(WHEELHOUSE, 'simple');
  if (fs.existsSync(path.join(WHEELHOUSE, '.ok'))) return simple;
  const wheel = fs.readdirSync(path.join(REPO, 'extension/python-wheel')).find((f) => f.endsWith('.whl'));
  assert.ok(wheel, 'extension/python-wheel has no wheel: build the .vsix first');
  const files = path.join(WHEELHOUSE, 'files');
  fs.mkdirSync(files, { recursive: true });
  execFileSync('python3', ['-m', 'pip', 'download', '--disable-pip-version-check', '--only-binary=:all:', '-d', files,
    path.join(REPO, 'extension/python-wheel', wheel)], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const f of fs.readdirSync(files)) {
    // The extension installs empathy-monitor from its own bundled wheel; the index serves only dependencies.
    if (!f.endsWith('.whl') || f.startsWith('empathy_monitor-')) continue;
    const name = f.split('-')[0].toLowerCase().replace(/[-_.]+/g, '-');
    fs.mkdirSync(path.join(simple, name), { recursive: true });
    fs.copyFileSync(path.join(files, f), path.join(simple, name, f));
  }
  fs.writeFileSync(path.join(WHEELHOUSE, '.ok'), '');
  return simple;
}

/** `python3 -m http.server` on 127.0.0.1:port serving the wheelhouse (a directory listing is a PEP 503 page). */
async function startIndex(port) {
  const child = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', WHEELHOUSE], {
    stdio: 'ignore',
  });
  const stop = () => child.kill();
  open.push(stop);
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/simple/`)).ok) return stop;
    } catch {
      /* not up yet */
    }
    await sleep(100);
  }
  throw new Error('the local index did not start');
}

/** An index that accepts connections and never answers: pip waits (its timeout, then retries). */
async function startStalledIndex(port) {
  const sockets = [];
  const srv = net.createServer((s) => sockets.push(s));
  await new Promise((r) => srv.listen(port, '127.0.0.1', r));
  const stop = () => {
    sockets.forEach((s) => s.destroy());
    srv.close();
  };
  open.push(stop);
  return stop;
}

/** A fresh profile, code-server with pip pointed at `indexPort`, the browser on the workbench. */
async function session({ vsix = VSIX, indexPort, extraEnv = {} }) {
  const sb = makeSandbox('empathy-setup-e2e-');
  const ws = sb.dirs.ws;
  writeDemo(ws, { calls: 120, days: 3 });
  writeUserSettings(sb, { ...BASE_SETTINGS, 'empathy.defaultRange': '7d' });
  for (const k of Object.keys(sb.env)) if (k.startsWith('PIP_')) delete sb.env[k];
  // Only code-server (and so the extension host and pip) gets these; the browser does not.
  const pipEnv = {
    PIP_CONFIG_FILE: '/dev/null',
    PIP_INDEX_URL: `http://127.0.0.1:${indexPort}/simple/`,
    PIP_RETRIES: '1',
    PIP_TIMEOUT: '4',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    ...extraEnv,
  };
  installVsix(sb, vsix);
  const cs = await startCodeServer(sb, ws, { env: pipEnv });
  const ctx = await launchBrowser(sb);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const close = async () => {
    await ctx.close().catch(() => undefined);
    cs.stop();
    if (!process.env.EMPATHY_E2E_KEEP) fs.rmSync(sb.root, { recursive: true, force: true });
    else console.log(`# sandbox kept: ${sb.root}`);
  };
  open.push(close);
  await openWorkbench(page, cs.url);
  await runCommand(page, 'Empathy: Open Telemetry Panel');
  const view = panelView(page);
  const envDir = path.join(sb.dirs.user, 'User', 'globalStorage', 'empathy.empathy-telemetry', 'python-env');
  const log = () => {
    const out = [];
    const walk = (dir) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('Empathy Telemetry.log')) out.push(...fs.readFileSync(p, 'utf8').split('\n'));
      }
    };
    walk(sb.dirs.user);
    return out;
  };
  return { sb, ws, page, view, envDir, log, close };
}

const card = (view) => view.getByTestId('setup');
const heading = async (view) => (await card(view).locator('h2').innerText({ timeout: 2000 })).trim();

async function waitForHeading(view, text, timeout) {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = await heading(view).catch(() => '');
    if (last === text) return;
    await sleep(100);
  }
  throw new Error(`set-up card says "${last}", expected "${text}"`);
}

/** The calls card equals the CLI's count for the same files (the sidecar runs from the new env). */
async function waitForCliNumbers(s, timeout = INSTALL_MS) {
  const expected = cliTelemetry(s.ws, ['--range', '7d']).overview.calls;
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = await s.view.locator('[data-testid="card-calls"] .card-value').first().innerText({ timeout: 1000 }).catch(() => '');
    if (Number(last.replace(/[^0-9]/g, '')) === expected) return expected;
    await sleep(250);
  }
  throw new Error(`calls card shows "${last}", expected ${expected} (the CLI's)`);
}

async function shot(s, name) {
  await s.page.screenshot({ path: path.join(ARTIFACTS, name) }).catch(() => undefined);
}

const lines = (s, re) => s.log().filter((l) => re.test(l));

before(() => {
  assert.ok(VSIX && fs.existsSync(VSIX), 'EMPATHY_VSIX must name the built .vsix');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  ensureWheelhouse();
});

after(async () => {
  for (const stop of open.reverse()) await Promise.resolve(stop()).catch(() => undefined);
});

describe('first-run set-up in code-server', { concurrency: false }, () => {
  it('success: "package missing" -> Create environment -> "Setting up…" -> the CLI\'s numbers', { timeout: 400000 }, async () => {
    const port = await freePort();
    await startIndex(port);
    const s = await session({ indexPort: port });
    try {
      await waitForHeading(s.view, 'One step to go: set up the sidecar', 90000);
      const message = await card(s.view).getByTestId('setup-message').innerText();
      assert.match(message, /^Python 3\.\d+\.\d+ was found \(python3, found on the PATH\), but the empathy-monitor package is not installed for it\.$/);
      assert.equal(await s.view.getByText('Telemetry is unavailable').count(), 0);
      assert.equal(await s.view.getByText(/sidecar stopped/).count(), 0);
      const t0 = Date.now();
      await s.view.getByRole('button', { name: 'Create environment' }).click();
      await waitForHeading(s.view, 'Setting up…', 20000);
      await s.page.locator('.statusbar-item', { hasText: 'Setting up…' }).first().waitFor({ timeout: 10000 });
      const progress = await card(s.view).getByTestId('setup-progress').innerText();
      assert.match(progress, /^Step [12] of 2: /);
      await shot(s, 'setup-installing.png');
      const calls = await waitForCliNumbers(s);
      console.log(`# Create environment -> ${calls} calls shown: ${Date.now() - t0} ms`);
      assert.equal(await card(s.view).count(), 0);
      assert.ok(fs.existsSync(path.join(s.envDir, 'bin', 'python')));
      assert.ok(!fs.existsSync(path.join(path.dirname(s.envDir), 'python-env.lock')), 'the lock file was left behind');
    } finally {
      await s.close();
    }
  });

  it('unreachable index: the cause and its fix, no partial env, and Retry works once the index is up', { timeout: 400000 }, async () => {
    const port = await freePort();
    const s = await session({ indexPort: port });
    try {
      await waitForHeading(s.view, 'One step to go: set up the sidecar', 90000);
      await s.view.getByRole('button', { name: 'Create environment' }).click();
      await waitForHeading(s.view, 'Set-up failed', INSTALL_MS);
      assert.equal(await card(s.view).getByTestId('setup-message').innerText(), 'The package index could not be reached.');
      assert.match(await card(s.view).getByTestId('setup-detail').innerText(), /PIP_INDEX_URL/);
      await shot(s, 'setup-failed.png');
      assert.ok(!fs.existsSync(s.envDir), 'the partial environment was left behind');
      const errors = lines(s, /\[error\]/);
      assert.ok(errors.some((l) => l.includes('ERROR: No matching distribution found')), "pip's ERROR lines are not at error level");
      assert.ok(errors.some((l) => l.includes('set-up failed (indexUnreachable)')));
      assert.equal(s.log().filter((l) => /^\s+at /.test(l)).length, 0, 'a stack trace was logged');
      assert.ok(lines(s, /\[warning\] WARNING: Retrying/).length > 0, "pip's retries are not logged");
      await startIndex(port);
      await s.view.getByRole('button', { name: 'Retry' }).click();
      await waitForCliNumbers(s);
    } finally {
      await s.close();
    }
  });

  it('Cancel mid-install: "Set-up cancelled", nothing half-installed, no error', { timeout: 400000 }, async () => {
    const port = await freePort();
    await startStalledIndex(port);
    const s = await session({ indexPort: port, extraEnv: { PIP_TIMEOUT: '60' } });
    try {
      await waitForHeading(s.view, 'One step to go: set up the sidecar', 90000);
      await s.view.getByRole('button', { name: 'Create environment' }).click();
      await waitForHeading(s.view, 'Setting up…', 20000);
      await card(s.view).getByTestId('setup-progress').filter({ hasText: 'Step 2 of 2' }).waitFor({ timeout: 60000 });
      assert.ok(fs.existsSync(s.envDir), 'no environment being created');
      await s.view.getByRole('button', { name: 'Cancel' }).click();
      await waitForHeading(s.view, 'Set-up cancelled', 30000);
      assert.equal(await card(s.view).getByTestId('setup-message').innerText(), 'Nothing was installed: the partial environment was removed.');
      assert.ok(!fs.existsSync(s.envDir), 'the partial environment was left behind');
      await s.page.locator('.notification-toast', { hasText: 'Set-up cancelled' }).first().waitFor({ timeout: 10000 });
      assert.ok(lines(s, /\[info\] set-up: Set-up cancelled/).length === 1);
      assert.equal(lines(s, /exited with null|set-up failed/).length, 0);
      assert.equal(s.log().filter((l) => /^\s+at /.test(l)).length, 0, 'a stack trace was logged');
      assert.ok(await s.view.getByRole('button', { name: 'Create environment' }).isVisible());
      await shot(s, 'setup-cancelled.png');
    } finally {
      await s.close();
    }
  });

  it('a second request during an install joins it: one venv, one install, one "ready"', { timeout: 400000 }, async () => {
    const port = await freePort();
    await startIndex(port);
    const s = await session({ indexPort: port });
    try {
      await waitForHeading(s.view, 'One step to go: set up the sidecar', 90000);
      const toast = s.page.locator('.notification-toast', { hasText: 'is not installed for python3' }).first();
      await toast.waitFor({ timeout: 30000 });
      await s.view.getByRole('button', { name: 'Create environment' }).click();
      await waitForHeading(s.view, 'Setting up…', 20000);
      await toast.getByRole('button', { name: 'Create Environment' }).click();
      await waitForCliNumbers(s);
      assert.equal(lines(s, /-m venv --clear/).length, 1, 'more than one venv was created');
      assert.equal(lines(s, /-m pip install/).length, 1, 'more than one pip install ran');
      assert.equal(lines(s, /a second request joins the running install/).length, 1);
      assert.equal(lines(s, /set-up: environment ready/).length, 1);
    } finally {
      await s.close();
    }
  });

  it('the platform .vsix installs with no index reachable at all (--no-index, bundled wheels)', { timeout: 600000 }, async () => {
    let platformVsix = process.env.EMPATHY_VSIX_PLATFORM;
    if (!platformVsix) {
      platformVsix = execFileSync(path.join(REPO, 'scripts/build_vsix'), ['--target', 'linux-x64'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    }
    assert.ok(fs.existsSync(platformVsix), `no platform .vsix at ${platformVsix}`);
    const port = await freePort();
    // Nothing listens on the index port, and every proxy is dead: no network for pip at all.
    const dead = `http://127.0.0.1:${port}`;
    const s = await session({ vsix: platformVsix, indexPort: port, extraEnv: { HTTPS_PROXY: dead, HTTP_PROXY: dead, https_proxy: dead, http_proxy: dead } });
    try {
      await waitForHeading(s.view, 'One step to go: set up the sidecar', 90000);
      await s.view.getByRole('button', { name: 'Create environment' }).click();
      await waitForHeading(s.view, 'Setting up…', 20000);
      await waitForCliNumbers(s);
      const pip = lines(s, /-m pip install/);
      assert.equal(pip.length, 1);
      assert.match(pip[0], /--no-index --find-links \S+python-deps /);
      assert.equal(lines(s, /WARNING: Retrying/).length, 0, 'pip tried the network');
    } finally {
      await s.close();
    }
  });
});
