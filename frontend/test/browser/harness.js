// What the browser tests share: the real placeplan binary serving a real
// SQLite file on port 0, headless Debian Chromium driven by playwright-core,
// and a page that fails the test on any console error, failed request,
// server error or request to another host.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const frontendDir = join(here, '..', '..');
export const bin = process.env.PLACEPLAN_BIN || join(frontendDir, '..', 'bin', 'placeplan');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
/** artefacts: screenshots kept for people to look at (not committed) */
export const artefacts = join(frontendDir, 'test-results');
mkdirSync(artefacts, { recursive: true });

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** startServer runs placeplan serve on port 0 over db (created from the default when missing). */
export async function startServer(db) {
  assert.ok(existsSync(bin), `no placeplan binary at ${bin}: run make build first`);
  const proc = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--db', db, '--create'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const lines = [];
  const rl = createInterface({ input: proc.stdout });
  const first = await new Promise((resolve, reject) => {
    rl.on('line', (l) => { lines.push(l); if (lines.length === 1) resolve(l); });
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error('serve printed nothing in 90 s')), 90000).unref();
  });
  const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first);
  assert.ok(m, `first line: ${first}`);
  return {
    url: m[1],
    lines,
    stderr: () => stderr,
    async stop() {
      if (proc.exitCode !== null) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGINT');
      await done;
    },
  };
}

export function tempDB() {
  return join(mkdtempSync(join(tmpdir(), 'placeplan-browser-')), 'placeplan.db');
}

export async function launch() {
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: apt-get install chromium`);
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
  });
}

/**
 * openPage opens a page on the server that records every problem: console
 * errors, page errors, failed requests, 5xx answers, and any request to
 * another host (which is aborted). expectStatus lets a test allow a status
 * it provokes on purpose (412 for a stale save).
 */
export async function openPage(browser, server, viewport = { width: 1280, height: 720 }) {
  const page = await browser.newPage({ viewport, locale: 'en-GB', timezoneId: 'Europe/London' });
  const origin = new URL(server.url).origin;
  page.problems = [];
  page.allowed = new Set();
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('data:') || u.startsWith('blob:') || new URL(u).origin === origin) return route.continue();
    page.problems.push(`request to another host: ${u}`);
    return route.abort();
  });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const status = /status of (\d{3})/.exec(m.text());
    if (status && page.allowed.has(Number(status[1]))) return; // the browser's own note of an allowed status
    page.problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const f = r.failure()?.errorText ?? '';
    // Requests the page cancels itself (a superseded draft, tiles left behind by a zoom) are fine.
    if (!/ERR_ABORTED|NS_BINDING_ABORTED/.test(f)) page.problems.push(`request failed: ${r.url()} ${f}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500 || (r.status() >= 400 && !page.allowed.has(r.status()))) {
      page.problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
    }
  });
  return page;
}

/** noProblems asserts that the page has recorded no problem so far. */
export function noProblems(page) {
  assert.deepEqual(page.problems, [], 'the page recorded problems');
}

/** mapIdle waits until the map (by element id) has drawn everything it has been asked to. */
export async function mapIdle(page, id = 'map', timeout = 30000) {
  await page.waitForFunction((mid) => document.getElementById(mid)?.dataset.idle === 'true', id, { timeout });
}

/**
 * colours counts the pixels of each given colour in the map's current
 * picture (a screenshot, decoded in the page): a test that the polygons
 * really are drawn, and in which colours.
 */
export async function colours(page, hexes, id = 'map') {
  const png = await page.locator(`#${id} canvas`).screenshot();
  return page.evaluate(async ({ b64, hexes }) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    const want = hexes.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
    const counts = new Array(hexes.length).fill(0);
    for (let i = 0; i < data.length; i += 4) {
      for (let k = 0; k < want.length; k++) {
        const [r, g, b] = want[k];
        if (Math.abs(data[i] - r) <= 2 && Math.abs(data[i + 1] - g) <= 2 && Math.abs(data[i + 2] - b) <= 2) { counts[k]++; break; }
      }
    }
    return { counts, total: data.length / 4 };
  }, { b64: png.toString('base64'), hexes });
}

/** axe runs axe-core (WCAG 2.2 A and AA rules) on the page and returns the violations. */
export async function axe(page) {
  // page.evaluate runs through the DevTools protocol, so the page's CSP
  // (which allows no inline script) does not apply to the checker.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}

/** screenshot keeps a picture of the page under test-results/. */
export async function screenshot(page, name) {
  await page.screenshot({ path: join(artefacts, `${name}.png`) });
}

/** timing appends a measured figure to test-results/timings.json. */
export function timing(name, ms) {
  const f = join(artefacts, 'timings.json');
  let all = {};
  try { all = JSON.parse(readFileSync(f, 'utf8')); } catch { /* first */ }
  all[name] = ms;
  writeFileSync(f, JSON.stringify(all, null, 2));
}
