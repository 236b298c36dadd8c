// placeplan's web map: boot, then render the app.

import 'maplibre-gl/dist/maplibre-gl.css';
import './styles/main.scss';
import { render } from 'preact';
import { App } from './App';
import { api } from './api';
import { config, datasets, loadIndicators, problemText, scenarios } from './store';

async function boot(): Promise<void> {
  const root = document.getElementById('app')!;
  document.body.classList.add('js-enabled', 'govuk-frontend-supported');
  try {
    const [cfg, ds, list] = await Promise.all([api.config(), api.datasets(), api.scenarios()]);
    config.value = cfg;
    datasets.value = ds;
    scenarios.value = list;
    await Promise.all(cfg.geographies.map((g) => loadIndicators(g.geography)));
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
