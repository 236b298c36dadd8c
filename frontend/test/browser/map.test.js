// The web map in headless Debian Chromium against the real placeplan
// server on port 0 over a real SQLite file: the map draws, a weight change
// re-ranks and recolours, a profile opens by keyboard, the rollout plays,
// two scenarios compare, a save works, a stale save shows the conflict,
// saved work survives a restart, and axe-core finds nothing on any view.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  axe, colours, launch, mapIdle, noProblems, openPage, screenshot, startServer, tempDB, timing,
} from './harness.js';

let server, browser, db;

before(async () => {
  db = tempDB();
  server = await startServer(db);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** legendColours reads the main map's legend colours (not the white of no value) as #rrggbb. */
async function legendColours(page) {
  return page.$$eval('.pp-mappane:first-child .pp-legend__list li:not(.pp-legend__nodata) .pp-swatch', (els) => els.map((e) => {
    const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(getComputedStyle(e).backgroundColor);
    return m ? `#${m.slice(1).map((n) => Number(n).toString(16).padStart(2, '0')).join('')}` : '';
  }).filter(Boolean));
}

async function assertAccessible(page, what) {
  const v = await axe(page);
  assert.deepEqual(v, [], `axe-core violations on ${what}: ${JSON.stringify(v, null, 2)}`);
}

test('serve --create made the database, and says where it is', () => {
  assert.match(server.lines.join('\n'), /placeplan\.db/);
});

test('explore: the default data is drawn as a choropleth, quickly, and is accessible', async () => {
  const page = await openPage(browser, server);
  const t0 = Date.now();
  await page.goto(`${server.url}/`);
  await mapIdle(page);
  await page.waitForFunction(() => document.querySelectorAll('.pp-legend__list li').length >= 5);
  await mapIdle(page);
  timing('first map paint (ms, from navigation to the map idle with its colours)', Date.now() - t0);
  const legend = await legendColours(page);
  assert.ok(legend.length >= 5, `legend swatches: ${legend}`);
  const classes = legend.slice(0, 5);
  const { counts, total } = await colours(page, classes);
  // Shropshire, Telford and Wrekin and Oxfordshire span the whole range: every class is on the map.
  for (const [i, n] of counts.entries()) assert.ok(n > 200, `class colour ${classes[i]}: ${n} pixels of ${total}`);
  assert.match(await page.locator('#map-legend').textContent(), /Multiple deprivation|IMD/);
  // Local single-user mode: no sign-in page, and the header says so.
  assert.equal(await page.getByTestId('account').textContent(), 'Local single-user mode');
  assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
  await screenshot(page, 'explore-1280x720');
  await assertAccessible(page, 'explore');
  noProblems(page);
  await page.close();
});

test('explore: another indicator, method and vintage change the map and the URL', async () => {
  const page = await openPage(browser, server);
  await page.goto(`${server.url}/?field=idaci_score&method=jenks&classes=4`);
  await mapIdle(page);
  await page.waitForFunction(() => /income deprivation affecting children/i.test(document.getElementById('map-legend')?.textContent ?? ''));
  assert.equal(await page.locator('.pp-legend__list li:not(.pp-legend__nodata)').count(), 4);
  assert.match(await page.locator('.pp-legend__sub').textContent(), /Jenks/i);
  await page.getByLabel('Number of classes').selectOption('6');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('classes') === '6');
  await page.getByLabel(/IoD2025/).check();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('geography') === 'lsoa21');
  await mapIdle(page);
  await page.waitForFunction(() => document.querySelectorAll('.pp-legend__list li').length >= 6);
  noProblems(page);
  await page.close();
});

test('explore: search by name finds a place and the keyboard opens a profile', async () => {
  const page = await openPage(browser, server);
  await page.goto(`${server.url}/`);
  await mapIdle(page);
  const box = page.getByRole('combobox', { name: 'Find a place' });
  await box.focus();
  await page.keyboard.type('Oswestry');
  const options = page.getByRole('listbox', { name: 'Places found' }).getByRole('option');
  await options.first().waitFor();
  assert.match(await options.first().textContent(), /Oswestry/);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.has('map'));
  await mapIdle(page);
  // Tab to the map: the centre cross shows, and the area under it is announced.
  await page.locator('#map canvas').focus();
  await page.waitForFunction(() => /Centre of map: .+Press Enter/.test(document.getElementById('announcer')?.textContent ?? ''));
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Minus');
  await mapIdle(page);
  await page.keyboard.press('Equal');
  await mapIdle(page);
  await page.waitForFunction(() => /Centre of map/.test(document.getElementById('announcer')?.textContent ?? ''));
  await page.keyboard.press('Enter');
  const heading = page.locator('.pp-profile h1');
  await heading.waitFor();
  await page.waitForFunction(() => document.activeElement?.matches('.pp-profile h1'));
  assert.ok(new URL(page.url()).searchParams.get('area')?.startsWith('E01'));
  const rows = await page.locator('.pp-profile table').first().locator('tbody tr').count();
  assert.ok(rows >= 10, `profile rows: ${rows}`);
  assert.match(await page.locator('.pp-profile').textContent(), /of 32,844/); // national IoD ranks
  await page.getByText(/IoD summary measures/).first().waitFor();
  await screenshot(page, 'profile');
  await assertAccessible(page, 'an area profile');
  await page.getByRole('button', { name: 'Back' }).click();
  assert.equal(new URL(page.url()).searchParams.get('area'), null);
  noProblems(page);
  await page.close();
});

test('explore: the areas in view are a list and the map is a table', async () => {
  const page = await openPage(browser, server);
  await page.goto(`${server.url}/`);
  await mapIdle(page);
  await page.getByRole('button', { name: 'List areas in view' }).first().click();
  const items = page.locator('.pp-arealist li');
  assert.ok(await items.count() > 100);
  await items.first().getByRole('button').click();
  await page.locator('.pp-profile h1').waitFor();
  await page.getByRole('button', { name: 'Back' }).click();
  await page.getByRole('button', { name: 'Map as a table' }).first().click();
  const table = page.locator('.pp-mappane__list table');
  await table.waitFor();
  const download = page.waitForEvent('download');
  await page.locator('.pp-mappane__list').getByRole('button', { name: /Download as CSV/ }).click();
  const csv = await (await download).createReadStream();
  let text = '';
  for await (const chunk of csv) text += chunk;
  assert.match(text.split('\r\n')[0], /^name,code,district,value,class$/);
  assert.ok(text.split('\r\n').length > 700, 'every area of the default data is in the CSV');
  noProblems(page);
  await page.close();
});

test('scenario: a weight change re-ranks the localities and recolours the map', async () => {
  const page = await openPage(browser, server);
  await page.goto(`${server.url}/?view=scenario&scenario=shropshire-five-teams`);
  await page.locator('#ranking li').first().waitFor();
  await page.locator('#chosen-sites li').first().waitFor();
  await mapIdle(page);
  const order = () => page.$$eval('#ranking li', (ls) => ls.map((l) => l.dataset.locality));
  const before = await order();
  const pixelsBefore = await colours(page, await legendColours(page));
  await screenshot(page, 'scenario-1280x720');
  await assertAccessible(page, 'the scenario view');
  // Keyboard only: the IDACI slider to zero, the mood and anxiety one to the top.
  await page.getByLabel('Income deprivation affecting children (IDACI)', { exact: true }).focus();
  await page.keyboard.press('Home');
  await page.getByLabel('Mood and anxiety disorders', { exact: true }).focus();
  await page.keyboard.press('End');
  await page.waitForFunction((b) => {
    const now = [...document.querySelectorAll('#ranking li')].map((l) => l.dataset.locality);
    return now.length === b.length && now.join() !== b.join();
  }, before);
  assert.match(await page.locator('#draft-status').textContent(), /Unsaved changes/);
  await mapIdle(page);
  const pixelsAfter = await colours(page, await legendColours(page));
  assert.notDeepEqual(pixelsAfter.counts, pixelsBefore.counts, 'the map was recoloured');
  // Sites re-solve too.
  await page.waitForFunction(() => /Solved in/.test(document.querySelector('[data-testid=gap]')?.textContent ?? ''));
  noProblems(page);
  await page.close();
});

test('scenario: excluding a site re-solves without it', async () => {
  const page = await openPage(browser, server);
  await page.goto(`${server.url}/?view=scenario&scenario=shropshire-five-teams`);
  await page.locator('#chosen-sites li').first().waitFor();
  const chosen = await page.$$eval('#chosen-sites li', (ls) => ls.map((l) => l.dataset.site));
  const victim = chosen.find((s) => s !== 'Oswestry');
  await page.getByLabel(`Rule for ${victim}`).selectOption('excluded');
  await page.waitForFunction((v) => {
    const now = [...document.querySelectorAll('#chosen-sites li')].map((l) => l.dataset.site);
    return now.length > 0 && !now.includes(v);
  }, victim);
  noProblems(page);
  await page.close();
});

test('rollout: the phases play on the map with their dates, chart and verdict', async () => {
  const page = await openPage(browser, server);
  await page.goto(`${server.url}/?view=rollout&scenario=shropshire-five-teams`);
  await page.locator('#timeline li').first().waitFor();
  assert.match(await page.locator('#timeline').textContent(), /1 April 2027/);
  await page.locator('#coverage .pp-figure__chart svg').first().waitFor();
  assert.match(await page.locator('#verdict').textContent(), /stepped-wedge|randomis/i);
  await mapIdle(page);
  // At the last phase, Play starts again from the first.
  await page.getByRole('button', { name: 'Play the rollout' }).click();
  const current = () => page.$eval('#timeline li[aria-current=step] .pp-timeline__label', (e) => e.textContent);
  await page.waitForFunction(() => document.querySelector('#timeline li[aria-current=step] .pp-timeline__label')?.textContent === 'Live', null, { timeout: 10000 });
  const seen = new Set([await current()]);
  await page.waitForFunction(() => document.querySelector('#timeline li[aria-current=step] .pp-timeline__label')?.textContent === 'Phase 1', null, { timeout: 10000 });
  seen.add(await current());
  await mapIdle(page);
  const early = await colours(page, await legendColours(page));
  await page.waitForFunction(() => /Play the rollout/.test(document.querySelector('.pp-player .govuk-button:not(.govuk-button--secondary)')?.textContent ?? ''), null, { timeout: 20000 });
  seen.add(await current());
  assert.ok(seen.size >= 3, `phases seen: ${[...seen]}`);
  await mapIdle(page);
  const late = await colours(page, await legendColours(page));
  const sum = (c) => c.counts.reduce((a, b) => a + b, 0);
  assert.ok(sum(late) > sum(early), `more of the map is coloured once every phase is open (${sum(early)} → ${sum(late)})`);
  assert.match(await page.locator('#announcer').textContent(), /Phase \d, \d+ \w+ \d{4}/);
  await screenshot(page, 'rollout-1280x720');
  await assertAccessible(page, 'the rollout view');
  noProblems(page);
  await page.close();
});

test('compare: two scenarios side by side, maps in step, and where they differ', async () => {
  const page = await openPage(browser, server, { width: 1920, height: 1080 });
  await page.goto(`${server.url}/?view=compare&a=shropshire-five-teams&b=shropshire-five-teams-30min`);
  await page.locator('#comparison').waitFor();
  await mapIdle(page, 'map');
  await mapIdle(page, 'map-b');
  assert.match(await page.locator('#comparison').textContent(), /standard_minutes/);
  assert.ok(await page.locator('#comparison table').count() >= 4);
  // The two maps move together.
  await page.locator('#map canvas').focus();
  await page.keyboard.press('Equal');
  await mapIdle(page, 'map');
  const zooms = await page.evaluate(() => [...document.querySelectorAll('.pp-map')].map((m) => m.querySelector('canvas')?.getAttribute('aria-label')));
  assert.equal(zooms.length, 2);
  await screenshot(page, 'compare-1920x1080');
  await assertAccessible(page, 'the comparison');
  await page.getByLabel('Where they differ').check();
  await page.waitForFunction(() => document.querySelectorAll('.pp-map').length === 1);
  await mapIdle(page);
  assert.match(await page.locator('#map-legend').textContent(), /differ/);
  noProblems(page);
  await page.close();
});

test('save: a draft saves as a revision, a stale save shows who changed it, and work survives a restart', async () => {
  const page = await openPage(browser, server);
  await page.goto(`${server.url}/?view=scenario&scenario=shropshire-five-teams`);
  await page.locator('#ranking li').first().waitFor();
  await page.getByLabel('Weight of Income deprivation', { exact: true }).fill('2');
  await page.getByLabel('Weight of Income deprivation', { exact: true }).press('Tab');
  // Local single-user mode: no sign-in, and the server records its local user as the author.
  const me = (await (await fetch(`${server.url}/api/v1/session`)).json()).user;
  const saveAs = await page.getByTestId('save-as').textContent();
  assert.ok(saveAs.startsWith(`Saved as ${me} (local single-user mode)`), saveAs);
  await page.getByLabel('Note on the change').fill('more weight on income');
  await page.getByRole('button', { name: 'Save as revision 2' }).click();
  await page.locator('.pp-save .govuk-inset-text').getByText('Saved as revision 2 of shropshire-five-teams.').waitFor();
  await page.locator('.pp-revisions').getByText('more weight on income').waitFor();

  // Someone else (here the same local user, from another program) saves revision 3 meanwhile.
  const doc = await (await fetch(`${server.url}/api/v1/scenarios/shropshire-five-teams`)).json();
  doc.sites.teams = 4;
  const put = await fetch(`${server.url}/api/v1/scenarios/shropshire-five-teams?note=four%20teams`, {
    method: 'PUT', headers: { 'Content-Type': 'application/json', 'If-Match': '"r2"' }, body: JSON.stringify(doc),
  });
  assert.equal(put.status, 200);

  page.allowed.add(412);
  await page.getByLabel('Weight of Income deprivation', { exact: true }).fill('3');
  await page.getByLabel('Weight of Income deprivation', { exact: true }).press('Tab');
  await page.getByRole('button', { name: 'Save as revision 3' }).click();
  const banner = page.locator('.pp-conflict');
  await banner.waitFor();
  assert.match(await banner.textContent(), /Someone else changed this scenario — reload and reapply/);
  assert.ok((await banner.textContent()).includes(`${me} saved revision 3`), await banner.textContent());
  assert.match(await banner.textContent(), /four teams/);
  await screenshot(page, 'conflict');
  await assertAccessible(page, 'the conflict message');
  await page.getByRole('button', { name: 'Reload the latest revision' }).click();
  await page.getByText(/Revision 3 of/).waitFor();
  assert.match(await page.locator('#main').textContent(), /Your changes, to reapply: weights: Income deprivation 2 → 3/);
  noProblems(page);
  await page.close();

  // Restart the server on the same file: the revisions are still there.
  await server.stop();
  server = await startServer(db);
  const again = await openPage(browser, server);
  await again.goto(`${server.url}/?view=scenario&scenario=shropshire-five-teams`);
  await again.locator('.pp-revisions').getByText('more weight on income').waitFor();
  assert.match(await again.locator('#draft-status').textContent(), /Revision 3 of/);
  noProblems(again);
  await again.close();
});

test('export: the board paper downloads from the scenario view, by keyboard, after the server says it is working', async () => {
  const page = await openPage(browser, server);
  await page.goto(`${server.url}/?view=scenario&scenario=shropshire-five-teams`);
  const button = page.getByRole('button', { name: 'Board paper (PDF)' });
  await button.waitFor();
  await button.focus();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.keyboard.press('Enter')]);
  assert.match(download.suggestedFilename(), /^shropshire-five-teams@\d+\.pdf$/);
  const file = readFileSync(await download.path());
  assert.equal(file.subarray(0, 5).toString(), '%PDF-');
  assert.ok(file.length > 100000, `a PDF of ${file.length} bytes is too small for the paper`);
  await page.locator('.pp-export .govuk-inset-text').waitFor();
  assert.match(await page.locator('.pp-export .govuk-inset-text').textContent(), /Downloaded shropshire-five-teams@\d+\.pdf/);
  await assertAccessible(page, 'the export panel');
  noProblems(page);
  await page.close();
});

test('export: the map layers as PMTiles, read back in the browser by the pmtiles package', async () => {
  const page = await openPage(browser, server);
  // The page's CSP allows only same-origin scripts: the test hands the
  // pmtiles package to the page at a same-origin address the server never sees.
  const lib = readFileSync(new URL('../../node_modules/pmtiles/dist/pmtiles.js', import.meta.url), 'utf8');
  await page.route(`${server.url}/test/pmtiles.js`, (route) => route.fulfill({ body: lib, contentType: 'text/javascript' }));
  await page.goto(`${server.url}/?view=explore`);
  await page.addScriptTag({ url: '/test/pmtiles.js' });
  const got = await page.evaluate(async () => {
    const url = '/api/v1/scenarios/shropshire-five-teams/report.pmtiles';
    let res;
    for (let i = 0; i < 120; i++) {
      res = await fetch(url);
      if (res.status !== 202) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (!res.ok) return { status: res.status };
    const buf = await res.arrayBuffer();
    const src = { getKey: () => 'plan', getBytes: async (offset, length) => ({ data: buf.slice(offset, offset + length) }) };
    const p = new pmtiles.PMTiles(src);
    const h = await p.getHeader();
    const meta = await p.getMetadata();
    // The tile over Shrewsbury at zoom 9.
    const z = 9, lon = -2.75, lat = 52.71, n = 2 ** z;
    const x = Math.floor((lon + 180) / 360 * n);
    const y = Math.floor((1 - Math.log(Math.tan(lat * Math.PI / 180) + 1 / Math.cos(lat * Math.PI / 180)) / Math.PI) / 2 * n);
    const tile = await p.getZxy(z, x, y);
    return { status: res.status, type: res.headers.get('Content-Type'), tileType: h.tileType, minZoom: h.minZoom, maxZoom: h.maxZoom,
      name: meta.name, layers: meta.vector_layers.map((l) => l.id), tileBytes: tile ? tile.data.byteLength : 0 };
  });
  assert.equal(got.status, 200);
  assert.equal(got.type, 'application/vnd.pmtiles');
  assert.equal(got.tileType, 1, 'vector tiles');
  assert.deepEqual([got.minZoom, got.maxZoom], [6, 12]);
  assert.match(got.name, /Shropshire/);
  assert.deepEqual(got.layers, ['areas', 'catchments', 'districts', 'labels']);
  assert.ok(got.tileBytes > 1000, `the Shrewsbury tile holds ${got.tileBytes} bytes`);
  noProblems(page);
  await page.close();
});

test('the page fits a council laptop and a large screen', async () => {
  for (const viewport of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
    const page = await openPage(browser, server, viewport);
    await page.goto(`${server.url}/?view=scenario&scenario=shropshire-five-teams`);
    await page.locator('#ranking li').first().waitFor();
    await mapIdle(page);
    const fit = await page.evaluate(() => ({
      scrollW: document.documentElement.scrollWidth, w: innerWidth,
      map: document.getElementById('map').getBoundingClientRect().width,
    }));
    assert.ok(fit.scrollW <= fit.w, `no sideways scrolling at ${viewport.width}: ${fit.scrollW} > ${fit.w}`);
    assert.ok(fit.map >= viewport.width * 0.5, `the map keeps at least half the width: ${fit.map}`);
    await screenshot(page, `scenario-${viewport.width}x${viewport.height}`);
    noProblems(page);
    await page.close();
  }
});
