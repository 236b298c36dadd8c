// placeplan's web map: ask the server who is signed in; sign in if nobody
// is; then load what the server holds and render the app.

import 'maplibre-gl/dist/maplibre-gl.css';
import './styles/main.scss';
import { render } from 'preact';
import { signal } from '@preact/signals';
import { App } from './App';
import { api } from './api';
import { config, datasets, draft, loadIndicators, problemText, scenarios } from './store';
import { session, signInNotice } from './session';
import { SignIn } from './components/SignIn';
import { prewarm } from './map/controller';
import type { Session } from './types';

// Start the map's worker (a file, no data) while the server is asked who is signed in.
prewarm();

/** loaded is true once the server's configuration and lists are in. */
const loaded = signal(false);
/** holder is the user whose data the page holds, once loaded. */
let holder: string | null = null;

/** load fetches what the app needs at start, for the signed-in user. */
async function load(): Promise<void> {
  const [cfg, ds, list] = await Promise.all([api.config(), api.datasets(), api.scenarios()]);
  config.value = cfg;
  datasets.value = ds;
  scenarios.value = list;
  // The map can start without the indicator catalogues; the lists fill in.
  const geog = new URLSearchParams(location.search).get('geography') ?? cfg.default_geography;
  await loadIndicators(cfg.geographies.some((g) => g.geography === geog) ? geog : cfg.default_geography);
  for (const g of cfg.geographies) loadIndicators(g.geography).catch(() => { /* retried when chosen */ });
  holder = session.peek()?.user ?? null;
  loaded.value = true;
}

function fatal(err: unknown): void {
  const root = document.getElementById('app')!;
  root.replaceChildren();
  const p = document.createElement('p');
  p.className = 'govuk-body pp-fatal';
  p.setAttribute('role', 'alert');
  p.textContent = `placeplan could not reach its server: ${problemText(err)}. Reload the page to try again.`;
  root.append(p);
}

/** signedIn carries on after the sign-in page, where the user was (the URL is kept). */
async function signedIn(s: Session): Promise<void> {
  // Data loaded for someone else, or before a sign-out, is not kept for
  // whoever signs in next: start afresh at the same address.
  if (loaded.peek() && (s.user !== holder || signInNotice.peek() === 'signed-out')) {
    location.reload();
    return new Promise(() => { /* the page goes */ });
  }
  session.value = s;
  if (!loaded.peek()) {
    try {
      await load();
    } catch (err) {
      fatal(err);
      return;
    }
  } else if (draft.peek()) {
    // The same user again after the session ended: answers refused
    // meanwhile are asked for again, and an unsaved draft is kept.
    draft.value = { ...draft.peek()! };
  }
  signInNotice.value = '';
  // Keyboard users carry on from the view's heading, not the top of the page.
  requestAnimationFrame(() => document.querySelector<HTMLElement>('#main h1')?.focus());
}

function Root() {
  const s = session.value;
  if (!s) return null;
  if (!s.signed_in) return <SignIn session={s} notice={signInNotice.value} onSignedIn={signedIn} />;
  if (!loaded.value) return <p class="pp-loading">Loading the map…</p>;
  return <App />;
}

async function boot(): Promise<void> {
  const root = document.getElementById('app')!;
  document.body.classList.add('js-enabled', 'govuk-frontend-supported');
  try {
    const s = await api.session();
    session.value = s;
    if (s.signed_in) await load();
  } catch (err) {
    fatal(err);
    return;
  }
  root.replaceChildren();
  render(<Root />, root);
}

boot();
