// The page: a header with the four jobs (explore, shape a scenario, roll
// out, compare), a side panel for the job in hand, and the map.

import { useEffect, useRef } from 'preact/hooks';
import { alert, config, geography, main, message, patch, second, url } from './store';
import { views, type View } from './lib/url';
import { serialise } from './lib/url';
import { MapPane } from './components/MapPane';
import { AreaProfile } from './views/AreaProfile';
import { Explore } from './views/Explore';
import { ScenarioView } from './views/Scenario';
import { Rollout } from './views/Rollout';
import { Compare } from './views/Compare';
import { Sources } from './components/Sources';
import { Account, Brand } from './components/Account';
import type { MapController } from './map/controller';

const titles: Record<View, string> = {
  explore: 'Explore need',
  scenario: 'Shape a scenario',
  rollout: 'Roll out',
  compare: 'Compare',
};

/** controllers of the maps on the page, for views that move them (search, fit to a plan) */
export const maps: { main: MapController | null; second: MapController | null } = { main: null, second: null };
let unsync: (() => void) | null = null;

export function App() {
  const u = url.value;
  const cfg = config.value!;
  const side = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    document.title = `${titles[u.view]} — placeplan`;
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    side.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [u.view]);

  const go = (v: View) => (e: Event) => {
    e.preventDefault();
    patch({ view: v, area: null });
  };

  const mainContent = main.value;
  const secondContent = second.value;
  const compare = u.view === 'compare' && secondContent;
  const geog = u.view === 'explore' ? geography.value : (mainContent.geography ?? geography.value);

  return (
    <>
      <a href="#main" class="govuk-skip-link" onClick={(e) => { e.preventDefault(); side.current?.focus(); }}>Skip to main content</a>
      <header class="pp-header">
        <Brand />
        <nav class="pp-nav" aria-label="What you want to do">
          <ul class="pp-nav__list">
            {views.map((v) => (
              <li class={`pp-nav__item${u.view === v ? ' pp-nav__item--active' : ''}`} key={v}>
                <a class="pp-nav__link" href={serialise({ ...u, view: v, area: null }) || '?'} aria-current={u.view === v ? 'page' : undefined} onClick={go(v)}>
                  {titles[v]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="pp-header__end">
          <Account />
          <p class="pp-header__store govuk-body-s">
            {cfg.persistent
              ? <><strong class="govuk-tag govuk-tag--green">Saved work is kept</strong></>
              : <><strong class="govuk-tag govuk-tag--yellow">Nothing is kept</strong> <span class="pp-header__why">this server holds its data in memory</span></>}
          </p>
        </div>
      </header>
      <div class={`pp-app${compare ? ' pp-app--compare' : ''}`}>
        <main id="main" class="pp-side" ref={side} tabIndex={-1}>
          {u.area ? <AreaProfile code={u.area} geography={geog} /> : null}
          <div hidden={Boolean(u.area)}>
            {u.view === 'explore' && <Explore />}
            {u.view === 'scenario' && <ScenarioView />}
            {u.view === 'rollout' && <Rollout />}
            {u.view === 'compare' && <Compare />}
          </div>
          <Sources />
        </main>
        <div class="pp-maps">
          <MapPane
            id="map"
            content={mainContent}
            geography={geog}
            selected={u.area}
            position={u.map}
            heading={compare ? `Map A: ${mainContent.label}` : undefined}
            onMove={(p) => patch({ map: p })}
            onSelect={(a) => patch({ area: a.code })}
            onCandidate={(id) => window.dispatchEvent(new CustomEvent('pp:candidate', { detail: id }))}
            onReady={(c) => { maps.main = c; }}
          />
          {compare && (
            <MapPane
              id="map-b"
              content={secondContent}
              geography={secondContent.geography ?? geog}
              selected={u.area}
              position={u.map}
              heading={`Map B: ${secondContent.label}`}
              onSelect={(a) => patch({ area: a.code })}
              onReady={(c) => {
                maps.second = c;
                if (maps.main) {
                  c.map.jumpTo({ center: maps.main.map.getCenter(), zoom: maps.main.map.getZoom() });
                  unsync = c.syncWith(maps.main);
                }
              }}
              onGone={() => {
                unsync?.();
                unsync = null;
                maps.second = null;
              }}
            />
          )}
        </div>
      </div>
      <div class="govuk-visually-hidden" role="status" aria-live="polite" aria-atomic="true" id="announcer">{message.value}</div>
      <div class="govuk-visually-hidden" role="alert" aria-atomic="true">{alert.value}</div>
    </>
  );
}
