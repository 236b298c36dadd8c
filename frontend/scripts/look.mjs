// Dev aid: open a URL of a running server in headless Chromium, wait for
// the map, print console problems and save a screenshot.
//   node scripts/look.mjs URL out.png [width height]
import { chromium } from 'playwright-core';
const [url, out, w = '1280', h = '720'] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader', '--use-angle=swiftshader'] });
const page = await browser.newPage({ viewport: { width: Number(w), height: Number(h) } });
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('console', m.type(), m.text()); });
page.on('pageerror', (e) => console.log('pageerror', e.message));
page.on('response', (r) => { if (r.status() >= 400) console.log('HTTP', r.status(), r.url()); });
const t0 = Date.now();
await page.goto(url);
try {
  await page.waitForFunction(() => document.getElementById('map')?.dataset.idle === 'true', null, { timeout: 20000 });
  await page.waitForTimeout(Number(process.env.WAIT ?? 800));
  await page.waitForFunction(() => document.getElementById('map')?.dataset.idle === 'true', null, { timeout: 20000 });
} catch (e) { console.log('wait:', e.message); }
console.log('idle after', Date.now() - t0, 'ms');
await page.screenshot({ path: out });
await browser.close();
