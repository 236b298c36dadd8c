// serve --basemap-style: a deployment that has a basemap gets it under
// placeplan's layers. The basemap here is a style served by a second local
// server (another origin, which the page may then reach, and only then).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { bin, colours, launch, mapIdle, noProblems, openPage, tempDB } from './harness.js';

const style = {
  version: 8, name: 'test basemap', sources: {},
  layers: [{ id: 'sea', type: 'background', paint: { 'background-color': '#aad3df' } }],
};

let basemap, basemapURL, proc, url, browser;
const fetched = [];

before(async () => {
  basemap = createServer((req, res) => {
    fetched.push(req.url);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
    res.end(JSON.stringify(style));
  });
  await new Promise((r) => basemap.listen(0, '127.0.0.1', r));
  basemapURL = `http://127.0.0.1:${basemap.address().port}/style.json`;
  proc = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--db', tempDB(), '--create', '--basemap-style', basemapURL], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout }).once('line', resolve);
    proc.once('exit', (c) => reject(new Error(`serve exited ${c}`)));
  });
  url = /^listening on (\S+)$/.exec(first)[1];
  browser = await launch();
});

after(async () => {
  await browser?.close();
  proc?.kill('SIGINT');
  basemap?.close();
});

test('the deployment’s basemap is drawn under the small areas', async () => {
  const page = await openPage(browser, { url });
  // This test's basemap is on another origin on purpose: let it through.
  await page.unroute('**/*');
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.origin === new URL(url).origin || u.href.startsWith(basemapURL)) return route.continue();
    page.problems.push(`request to another host: ${u.href}`);
    return route.abort();
  });
  await page.goto(`${url}/`);
  await mapIdle(page);
  await page.waitForFunction(() => document.querySelectorAll('.pp-legend__list li').length >= 5);
  await mapIdle(page);
  assert.deepEqual(fetched, ['/style.json']);
  const { counts } = await colours(page, ['#aad3df']);
  assert.ok(counts[0] > 10000, `the basemap's sea colour covers the map outside the areas: ${counts[0]} pixels`);
  const csp = (await page.request.get(`${url}/`)).headers()['content-security-policy'];
  assert.match(csp, /connect-src 'self' https: http:\/\/127\.0\.0\.1:\d+;/);
  noProblems(page);
  await page.close();
});
