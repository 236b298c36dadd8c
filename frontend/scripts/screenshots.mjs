// The reference screenshots of the README (docs/screenshots), taken from
// the real server over a fresh copy of the default data in headless
// Chromium at 1280×720, a council laptop's screen.
//   node scripts/screenshots.mjs      (make screenshots)

import { join } from 'node:path';
import { launch, mapIdle, openPage, startServer, tempDB, frontendDir } from '../test/browser/harness.js';

const out = join(frontendDir, '..', 'docs', 'screenshots');
const shots = [
  ['explore', '/?field=idaci_score'],
  ['scenario', '/?view=scenario&scenario=shropshire-five-teams'],
  ['rollout', '/?view=rollout&scenario=shropshire-five-teams&phase=2'],
  ['compare', '/?view=compare&a=shropshire-five-teams&b=shropshire-five-teams-30min'],
];

const server = await startServer(tempDB());
const browser = await launch();
try {
  for (const [name, path] of shots) {
    const page = await openPage(browser, server, { width: 1280, height: 720 });
    await page.goto(server.url + path);
    await page.waitForFunction(() => document.querySelectorAll('.pp-legend__list li').length >= 2, null, { timeout: 30000 });
    await mapIdle(page);
    await page.waitForFunction(() => {
      const m = document.getElementById('map');
      return m.dataset.labels === 'added' && m.dataset.idle === 'true';
    }, null, { timeout: 30000 });
    if (name === 'compare') await mapIdle(page, 'map-b');
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, `${name}.png`) });
    if (page.problems.length) console.error(name, page.problems);
    await page.close();
    console.log(`docs/screenshots/${name}.png`);
  }
} finally {
  await browser.close();
  await server.stop();
}
