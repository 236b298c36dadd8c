// Browser test of placeplan's web page: the real binary serves the embedded
// default dataset on port 0, and headless Debian Chromium (driven by
// playwright-core) loads the page, checks what it draws, switches geography
// and clicks an area.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.PLACEPLAN_BIN || join(here, '..', '..', 'bin', 'placeplan');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

// The viridis palette the page colours deciles 1–10 with.
const PALETTE = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e',
  '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];

let server, url, browser, page;

before(async () => {
  assert.ok(existsSync(bin), `no placeplan binary at ${bin}: run make build first`);
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: apt-get install chromium`);
  server = spawn(bin, ['serve', '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const first = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: server.stdout });
    rl.once('line', resolve);
    server.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    setTimeout(() => reject(new Error('serve printed nothing in 60 s')), 60000).unref();
  });
  const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first);
  assert.ok(m, `first line ${first}`);
  url = m[1];
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--enable-unsafe-swiftshader'],
  });
  page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  page.errors = errors;
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGINT');
});

// colouredPixels counts canvas pixels in each decile colour.
async function colouredPixels() {
  return page.evaluate((palette) => {
    const c = document.getElementById('map');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const rgb = palette.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
    const counts = new Array(palette.length).fill(0);
    let first = null;
    for (let i = 0; i < data.length; i += 4) {
      for (let k = 0; k < rgb.length; k++) {
        if (data[i] === rgb[k][0] && data[i + 1] === rgb[k][1] && data[i + 2] === rgb[k][2]) {
          counts[k]++;
          if (!first && k === 3) first = { x: (i / 4) % c.width, y: Math.floor(i / 4 / c.width) };
        }
      }
    }
    return { counts, first, dpr: window.devicePixelRatio || 1 };
  }, PALETTE);
}

test('the page draws the default dataset as an IMD decile choropleth', async () => {
  await page.goto(url + '/');
  await page.waitForFunction(() => /708 areas, 21 localities/.test(document.getElementById('status').textContent), null, { timeout: 30000 });
  const { counts } = await colouredPixels();
  // Shropshire, Telford and Oxfordshire hold LSOAs in deciles 1 to 10.
  const drawn = counts.filter((n) => n > 0).length;
  assert.ok(drawn >= 9, `only ${drawn} decile colours drawn: ${counts}`);
  // The areas fill a good part of the 1300×900 window (about 38,000 pixels
  // are exactly a palette colour; edges are anti-aliased or outlined).
  assert.ok(counts.reduce((a, b) => a + b, 0) > 20000, `too few coloured pixels: ${counts}`);
  const legend = await page.locator('#legend').innerText();
  assert.match(legend, /1 most deprived 10 %/);
  assert.match(legend, /10 least deprived 10 %/);
  const sources = await page.locator('#attributions').innerText();
  assert.match(sources, /Open Government Licence/);
  assert.match(sources, /House of Commons Library/);
  assert.match(sources, /Contains OS data © Crown copyright/);
  await page.screenshot({ path: join(tmpdir(), 'placeplan-page-lsoa11.png') });
  assert.deepEqual(page.errors, []);
});

test('clicking an area shows its profile', async () => {
  const { first, dpr } = await colouredPixels();
  assert.ok(first, 'no decile-4 pixel to click');
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + first.x / dpr, box.y + first.y / dpr);
  const info = await page.locator('#info').innerText();
  assert.match(info, /E01\d{6}/, info);
  assert.match(info, /IMD decile\s*4/, info);
});

test('switching to LSOA 2021 redraws with the IoD2025 areas', async () => {
  await page.selectOption('#geography', 'lsoa21');
  await page.waitForFunction(() => /742 areas/.test(document.getElementById('status').textContent), null, { timeout: 30000 });
  const { counts } = await colouredPixels();
  assert.ok(counts.filter((n) => n > 0).length >= 9, `deciles drawn: ${counts}`);
  await page.screenshot({ path: join(tmpdir(), 'placeplan-page-lsoa21.png') });
  assert.deepEqual(page.errors, []);
});
