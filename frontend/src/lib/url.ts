// The web map's state in the URL, so that a link reproduces what someone
// saw: the view, the vintage, the indicator and its classes, the scenario,
// the comparison, the selected area and the map's position.

export type View = 'explore' | 'scenario' | 'rollout' | 'compare';
export const views: readonly View[] = ['explore', 'scenario', 'rollout', 'compare'];

export const methods = ['quantile', 'jenks', 'equal', 'stddev'] as const;
export type Method = (typeof methods)[number];

/** Colouring of the scenario view: the need score, or each site's catchment. */
export type Colour = 'need' | 'catchment';

export interface MapPosition { zoom: number; lat: number; lon: number }

export interface UrlState {
  view: View;
  geography: string | null; // null: the server's default
  field: string; // an indicator key, or "need" for the scenario's need score
  method: Method;
  classes: number;
  scenario: string | null; // id or id@revision
  a: string | null; // compare: id or id@revision
  b: string | null;
  area: string | null; // the selected small area's code
  colour: Colour;
  phase: number | null; // rollout: the phase shown
  map: MapPosition | null;
}

export const defaults: UrlState = {
  view: 'explore', geography: null, field: 'imd_score', method: 'quantile', classes: 5,
  scenario: null, a: null, b: null, area: null, colour: 'need', phase: null, map: null,
};

const clampInt = (s: string | null, lo: number, hi: number): number | null => {
  if (s === null || !/^\d+$/.test(s)) return null;
  const n = Number(s);
  return n >= lo && n <= hi ? n : null;
};

// Codes, keys and scenario references are short and plain; anything else
// in the URL is ignored rather than trusted.
const token = (s: string | null): string | null => (s && /^[\w@.:,\- ]{1,120}$/.test(s) ? s : null);

/** parse reads a UrlState from a query string, falling back to defaults for anything missing or malformed. */
export function parse(search: string): UrlState {
  const q = new URLSearchParams(search);
  const view = q.get('view');
  const method = q.get('method');
  const colour = q.get('colour');
  let map: MapPosition | null = null;
  const m = /^(\d{1,2}(?:\.\d+)?)\/(-?\d{1,2}(?:\.\d+)?)\/(-?\d{1,3}(?:\.\d+)?)$/.exec(q.get('map') ?? '');
  if (m) {
    const [zoom, lat, lon] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (zoom <= 22 && Math.abs(lat) <= 85 && Math.abs(lon) <= 180) map = { zoom, lat, lon };
  }
  return {
    view: views.includes(view as View) ? (view as View) : defaults.view,
    geography: token(q.get('geography')),
    field: token(q.get('field')) ?? defaults.field,
    method: methods.includes(method as Method) ? (method as Method) : defaults.method,
    classes: clampInt(q.get('classes'), 3, 9) ?? defaults.classes,
    scenario: token(q.get('scenario')),
    a: token(q.get('a')),
    b: token(q.get('b')),
    area: token(q.get('area')),
    colour: colour === 'catchment' ? 'catchment' : 'need',
    phase: clampInt(q.get('phase'), 0, 99),
    map,
  };
}

/** serialise writes the parts of s that differ from the defaults as a query string ("" or "?…"). */
export function serialise(s: UrlState): string {
  const q = new URLSearchParams();
  if (s.view !== defaults.view) q.set('view', s.view);
  if (s.geography) q.set('geography', s.geography);
  if (s.field !== defaults.field) q.set('field', s.field);
  if (s.method !== defaults.method) q.set('method', s.method);
  if (s.classes !== defaults.classes) q.set('classes', String(s.classes));
  if (s.scenario) q.set('scenario', s.scenario);
  if (s.a) q.set('a', s.a);
  if (s.b) q.set('b', s.b);
  if (s.area) q.set('area', s.area);
  if (s.colour !== defaults.colour) q.set('colour', s.colour);
  if (s.phase !== null) q.set('phase', String(s.phase));
  if (s.map) q.set('map', `${s.map.zoom.toFixed(2)}/${s.map.lat.toFixed(4)}/${s.map.lon.toFixed(4)}`);
  const out = q.toString().replace(/%2F/g, '/').replace(/%40/g, '@').replace(/%2C/g, ',');
  return out ? `?${out}` : '';
}

/** splitRef splits "id@3" into the id and revision (null for the current one). */
export function splitRef(ref: string): { id: string; revision: number | null } {
  const m = /^(.*)@(\d+)$/.exec(ref);
  return m ? { id: m[1], revision: Number(m[2]) } : { id: ref, revision: null };
}
