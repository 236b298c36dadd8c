// The server's MapLibre style for other clients (issue 13, item 5): GET
// /tiles/style.json validates against the MapLibre style specification,
// and MapLibre GL JS — the library the web map and QGIS's style reader
// follow — draws it from the server's TileJSON and tiles, in the legend's
// colours, with no request to another host.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { artefacts, colours, frontendDir, launch, mapIdle, noProblems, openPage, startServer, tempDB } from './harness.js';

let server, browser;

before(async () => {
  server = await startServer(tempDB());
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const dist = join(frontendDir, 'node_modules', 'maplibre-gl', 'dist');

// A bare page at the server's origin (served by the test, not the server,
// so without the web map's code) that loads MapLibre and one style.
const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>style test</title>
<link rel="stylesheet" href="maplibre-gl.css"></head><body style="margin:0">
<div id="map" style="width:800px;height:600px"></div>
<script type="module">
import * as maplibregl from './maplibre-gl.mjs';
window.show = (style, center, zoom) => {
  const el = document.getElementById('map');
  el.dataset.idle = 'false';
  const map = new maplibregl.Map({ container: el, style, center, zoom, attributionControl: false, fadeDuration: 0 });
  map.on('error', (e) => console.error('map error: ' + (e.error?.message ?? e)));
  map.once('idle', () => { el.dataset.idle = 'true'; });
};
window.ready = true;
</script></body></html>`;

async function openStylePage() {
  const p = await openPage(browser, server, { width: 800, height: 600 });
  await p.route(`${server.url}/__style-test/**`, (route) => {
    const name = new URL(route.request().url()).pathname.replace('/__style-test/', '');
    if (name === 'index.html') return route.fulfill({ contentType: 'text/html', body: page });
    const type = name.endsWith('.css') ? 'text/css' : 'text/javascript';
    return route.fulfill({ contentType: type, body: readFileSync(join(dist, name)) });
  });
  await p.goto(`${server.url}/__style-test/index.html`);
  await p.waitForFunction(() => window.ready === true);
  return p;
}

for (const [name, query, center] of [
  ['the IMD by default, Oswestry', '', [-3.054, 52.861]],
  ['a scenario\'s need, Shrewsbury', '?scenario=shropshire-need', [-2.752, 52.722]],
]) {
  test(`the style draws ${name}`, async () => {
    const style = await (await fetch(`${server.url}/tiles/style.json${query}`)).json();
    assert.deepEqual(validateStyleMin(style).map((e) => e.message), [], 'MapLibre style specification');
    const legend = style.metadata['placeplan:legend'];
    const p = await openStylePage();
    await p.evaluate(({ url, center }) => window.show(url, center, 12), { url: `${server.url}/tiles/style.json${query}`, center });
    await mapIdle(p, 'map', 60000);
    const { counts } = await colours(p, legend.colors);
    await p.screenshot({ path: join(artefacts, `style-${query ? 'scenario' : 'imd'}.png`) });
    const drawn = counts.filter((n) => n > 200).length;
    assert.ok(drawn >= 2, `legend colours drawn ${JSON.stringify(counts)} of ${legend.colors}: want at least two classes on the map`);
    noProblems(p);
    await p.close();
  });
}
