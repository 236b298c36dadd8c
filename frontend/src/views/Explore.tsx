// Explore: colour the map by any loaded indicator, or by a scenario's need,
// with legend classes from the server; find a place; open an area.

import { useEffect, useMemo } from 'preact/hooks';
import { api, isAbort } from '../api';
import {
  announce, config, draft, geography, indicators, main, needBreaks, openScenario, patch, problemText, scenarios, score, url,
} from '../store';
import { graduated, needDetail } from '../map/colouring';
import { methods, type Method } from '../lib/url';
import { SearchBox } from '../components/SearchBox';
import { maps } from '../App';
import { useSignal } from '@preact/signals';
import type { Indicator, SearchResult } from '../types';

export const methodLabels: Record<Method, string> = {
  quantile: 'Quantiles (equal numbers of areas)',
  jenks: 'Natural breaks (Jenks)',
  equal: 'Equal intervals',
  stddev: 'Standard deviations from the mean',
};

const indexLabels: Record<string, string> = {
  imd: 'Index of Multiple Deprivation', income: 'Income', employment: 'Employment', education: 'Education, skills and training',
  health: 'Health and disability', crime: 'Crime', barriers: 'Barriers to housing and services', living_env: 'Living environment',
  idaci: 'Children in income deprivation (IDACI)', idaopi: 'Older people in income deprivation (IDAOPI)',
};

/** groupIndicators groups a catalogue for the indicator list: IoD domains first, then the rest. */
export function groupIndicators(list: Indicator[]): { label: string; items: Indicator[] }[] {
  const groups = new Map<string, Indicator[]>();
  for (const i of list) {
    const g = i.kind === 'population' ? 'Population' : i.index ? indexLabels[i.index] ?? i.index : i.confidential ? 'Service demand (confidential)' : 'Other indicators';
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(i);
  }
  const order = [...Object.values(indexLabels), 'Service demand (confidential)', 'Other indicators', 'Population'];
  return [...groups.entries()].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]))
    .map(([label, items]) => ({ label, items: items.sort((x, y) => x.name.localeCompare(y.name, 'en-GB')) }));
}

const NEED = 'need_score';

export function Explore() {
  const u = url.value;
  const cfg = config.value!;
  const geog = geography.value;
  const list = indicators.value[geog] ?? [];
  const groups = useMemo(() => groupIndicators(list), [list]);
  const d = draft.value;
  const needHere = Boolean(d && d.doc.dataset.geography === geog);
  const field = u.field === NEED && !needHere ? (list.some((i) => i.key === 'imd_score') ? 'imd_score' : list[0]?.key ?? '') : u.field;
  const error = useSignal('');
  const busy = useSignal(false);

  // An indicator's values and classes, as one layer.
  useEffect(() => {
    if (field === NEED) return;
    if (!list.some((i) => i.key === field)) return;
    const ctrl = new AbortController();
    busy.value = true;
    Promise.all([
      api.values(geog, field, ctrl.signal),
      api.breaks({ geography: geog, field, method: u.method, classes: u.classes }, ctrl.signal),
    ]).then(([v, b]) => {
      const values = new Map(Object.entries(v.values));
      const layer = graduated(values, b, { title: b.name, withheld: v.withheld ?? [] });
      main.value = { layer, candidates: null, label: `Map of ${b.name} by small area`, geography: geog };
      error.value = '';
      busy.value = false;
    }).catch((err) => {
      if (isAbort(err)) return;
      error.value = problemText(err);
      busy.value = false;
    });
    return () => ctrl.abort();
  }, [geog, field, u.method, u.classes, list]);

  // The draft's need score, from the Scenario view's results.
  const s = score.value;
  const nb = needBreaks.value;
  useEffect(() => {
    if (field !== NEED || !s?.areas || !nb) return;
    const values = new Map<string, number>();
    for (const a of s.areas) if (a.need_score !== null) values.set(a.code, a.need_score);
    const layer = graduated(values, nb, { title: `Need score: ${s.scenario}`, more: needDetail(s.areas) });
    main.value = { layer, candidates: null, label: `Map of the need score of ${s.scenario} by small area`, geography: geog };
  }, [field, s, nb]);

  const choose = (r: SearchResult) => {
    if (r.bbox) maps.main?.fit(r.bbox, r.kind === 'area' ? 13 : 12);
    if (r.kind === 'area') patch({ area: r.code });
    announce(`Moved the map to ${r.name}.`);
  };

  const vintages = cfg.geographies;
  return (
    <>
      <h1 class="govuk-heading-l" tabIndex={-1}>Explore need</h1>
      <p class="govuk-body">Colour the small areas by any indicator loaded. Point at an area to see its value; click it, or move the map’s centre onto it and press Enter, to open its profile.</p>
      <SearchBox geography={geog} onChoose={choose} />
      {vintages.length > 1 && (
        <div class="govuk-form-group">
          <fieldset class="govuk-fieldset">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Indices of Deprivation release</legend>
            <div class="govuk-radios govuk-radios--small govuk-radios--inline">
              {vintages.map((g) => (
                <div class="govuk-radios__item" key={g.geography}>
                  <input class="govuk-radios__input" id={`vintage-${g.geography}`} type="radio" name="vintage" value={g.geography}
                    checked={geog === g.geography} onChange={() => patch({ geography: g.geography, area: null })} />
                  <label class="govuk-label govuk-radios__label" for={`vintage-${g.geography}`}>{g.vintage} <span class="pp-muted">({g.label})</span></label>
                </div>
              ))}
            </div>
          </fieldset>
        </div>
      )}
      <div class="govuk-form-group">
        <label class="govuk-label govuk-label--s" for="field">Colour the map by</label>
        <select class="govuk-select pp-wide" id="field" value={field} onChange={(e) => patch({ field: (e.target as HTMLSelectElement).value })}>
          {needHere && (
            <optgroup label="Scenario">
              <option value={NEED}>Need score: {d!.doc.name}</option>
            </optgroup>
          )}
          {groups.map((g) => (
            <optgroup label={g.label} key={g.label}>
              {g.items.map((i) => <option value={i.key} key={i.key}>{i.name}</option>)}
            </optgroup>
          ))}
        </select>
      </div>
      {!needHere && scenarios.value.length > 0 && (
        <p class="govuk-body-s">
          To see a scenario’s need score,{' '}
          <button type="button" class="pp-linkbutton" onClick={async () => {
            const first = scenarios.value.find((x) => x.id.includes('need')) ?? scenarios.value[0];
            try {
              await openScenario(first.id);
              patch({ field: NEED });
            } catch (err) { error.value = problemText(err); }
          }}>open one</button>{' '}
          or choose it under Shape a scenario.
        </p>
      )}
      <div class="pp-row">
        <div class="govuk-form-group">
          <label class="govuk-label govuk-label--s" for="method">Classes by</label>
          <select class="govuk-select" id="method" value={u.method} onChange={(e) => patch({ method: (e.target as HTMLSelectElement).value as Method })}>
            {methods.map((m) => <option value={m} key={m}>{methodLabels[m]}</option>)}
          </select>
        </div>
        <div class="govuk-form-group">
          <label class="govuk-label govuk-label--s" for="classes">Number of classes</label>
          <select class="govuk-select" id="classes" value={String(u.classes)} onChange={(e) => patch({ classes: Number((e.target as HTMLSelectElement).value) })}>
            {[3, 4, 5, 6, 7, 8, 9].map((n) => <option value={String(n)} key={n}>{n}</option>)}
          </select>
        </div>
      </div>
      {main.value.layer?.legend.note && <p class="govuk-body-s">{main.value.layer.legend.note}</p>}
      {error.value && <p class="govuk-error-message" role="alert">{error.value}</p>}
      <p class="govuk-body-s pp-muted" aria-hidden="true">{busy.value ? 'Loading…' : ''}</p>
      <details class="govuk-details">
        <summary class="govuk-details__summary"><span class="govuk-details__summary-text">About these data</span></summary>
        <div class="govuk-details__text">
          <p class="govuk-body-s">The English Indices of Deprivation rank every small area (LSOA) in England. Decile 1 is the most deprived tenth. Classes here are computed over the areas loaded, so the darkest class means the most need among these areas.</p>
          <p class="govuk-body-s">Confidential counts below {cfg.suppress_below} are withheld on every output and shown white.</p>
        </div>
      </details>
    </>
  );
}
