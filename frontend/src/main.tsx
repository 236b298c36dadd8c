// placeplan's web map: boot, then render the app.

import 'maplibre-gl/dist/maplibre-gl.css';
import './styles/main.scss';
import { render } from 'preact';
import { App } from './App';
import { api } from './api';
import { config, datasets, loadIndicators, problemText, scenarios } from './store';
import { prewarm } from './map/controller';
import { session } from './session';

// Fetch and start the map's worker while the server is asked what it holds.
prewarm();

async function boot(): Promise<void> {
  const root = document.getElementById('app')!;
  document.body.classList.add('js-enabled', 'govuk-frontend-supported');
  try {
    // Who is signed in: the token writes send, and what the role may do.
    session.value = await api.session();
    const [cfg, ds, list] = await Promise.all([api.config(), api.datasets(), api.scenarios()]);
    config.value = cfg;
    datasets.value = ds;
    scenarios.value = list;
    // The map can start without the indicator catalogues; the lists fill in.
    const geog = new URLSearchParams(location.search).get('geography') ?? cfg.default_geography;
    await loadIndicators(cfg.geographies.some((g) => g.geography === geog) ? geog : cfg.default_geography);
    for (const g of cfg.geographies) loadIndicators(g.geography).catch(() => { /* retried when chosen */ });
  } catch (err) {
    root.replaceChildren();
    const p = document.createElement('p');
    p.className = 'govuk-body pp-fatal';
    p.setAttribute('role', 'alert');
    p.textContent = `placeplan could not reach its server: ${problemText(err)}. Reload the page to try again.`;
    root.append(p);
    return;
  }
  root.replaceChildren();
  render(<App />, root);
}

boot();
