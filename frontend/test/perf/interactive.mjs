// Benchmark of the web map as a user feels it, in headless Debian Chromium
// against the real server over a fresh copy of the default data:
//   - first map paint: navigation to the map idle with its colours;
//   - a weight change: the key press to the ranking re-ordered and the map
//     recoloured and idle again;
//   - a re-solve: the key press to the chosen sites of the new draft shown.
// Each is run several times and reported as median and worst, in ms.
//   node test/perf/interactive.mjs [runs]     (make bench-browser)

import { launch, mapIdle, openPage, startServer, tempDB } from '../browser/harness.js';

const runs = Number(process.argv[2] ?? 7);
const server = await startServer(tempDB());
const browser = await launch();
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], worst: s[s.length - 1], runs: s.length, inOrder: xs.join(' ') };
};

try {
  const paint = [];
  const labelled = [];
  for (let i = 0; i < runs; i++) {
    const page = await openPage(browser, server);
    const t0 = Date.now();
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => document.querySelectorAll('.pp-legend__list li').length >= 5);
    await mapIdle(page);
    paint.push(Date.now() - t0);
    // The labels are added once the coloured map has painted.
    await page.waitForFunction(() => {
      const m = document.getElementById('map');
      return m.dataset.labels === 'added' && m.dataset.idle === 'true';
    });
    labelled.push(Date.now() - t0);
    await page.close();
  }

  const page = await openPage(browser, server);
  await page.goto(`${server.url}/?view=scenario&scenario=shropshire-five-teams`);
  await page.locator('#chosen-sites li').first().waitFor();
  await mapIdle(page);
  const rerank = [];
  const resolve = [];
  for (let i = 0; i < runs; i++) {
    // Alternate between two weights so that each change really re-ranks.
    const key = i % 2 ? 'down' : 'up';
    const [rankMs, solveMs] = await page.evaluate(async (k) => {
      const slider = document.getElementById('w-mood_and_anxiety_disorders_indicator');
      const rankText = () => document.getElementById('ranking').textContent;
      const sitesText = () => document.querySelector('[data-testid=plan-ms]')?.textContent + document.getElementById('chosen-sites').textContent;
      const map = document.getElementById('map');
      const beforeRank = rankText();
      const beforeSites = sitesText();
      slider.focus();
      // Four points at once, as a quick drag would.
      const t0 = performance.now();
      slider.value = String(Number(slider.value) + (k === 'up' ? 4 : -4));
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      // Watch the page as it changes (not at animation frames, which a
      // software-rendered map makes coarse): the ranking re-ordered, then
      // the map idle after it; then the sites of the new plan.
      const watch = (ok, targets) => new Promise((resolve, reject) => {
        const check = () => {
          if (!ok()) return false;
          obs.disconnect();
          resolve(performance.now() - t0);
          return true;
        };
        const obs = new MutationObserver(check);
        for (const el of targets) obs.observe(el, { attributes: true, childList: true, subtree: true, characterData: true });
        setTimeout(() => { obs.disconnect(); reject(new Error('timed out')); }, 20000);
        check();
      });
      let ranked = false;
      const rank = await watch(() => {
        if (!ranked && rankText() !== beforeRank) { ranked = true; map.dataset.idle = 'stale'; }
        return ranked && map.dataset.idle === 'true';
      }, [document.getElementById('ranking'), map]);
      const solve = await watch(() => sitesText() !== beforeSites, [document.getElementById('main')]);
      return [rank, solve];
    }, key);
    rerank.push(Math.round(rankMs));
    resolve.push(Math.round(solveMs));
    await page.waitForTimeout(300);
  }
  const out = {
    'first map paint (areas in colour, legend)': stats(paint),
    'first map paint with its place labels': stats(labelled),
    'weight change → ranking and map updated': stats(rerank),
    'weight change → sites re-solved': stats(resolve),
  };
  console.log(JSON.stringify(out, null, 2));
  if (page.problems.length) console.error('problems:', page.problems);
} finally {
  await browser.close();
  await server.stop();
}
