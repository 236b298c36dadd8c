// Shape a scenario: start from a stored one as an unsaved draft, change
// its weights, methods, teams, standard and sites, and see the ranking,
// the map and the chosen sites follow; then save it.

import { useEffect, useMemo, useRef } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import {
  announce, dirty, draft, edit, ensureDraft, indicatorName, indicators, main, needBreaks, patch, plan, planError, planState,
  problemText, score, scoreError, scoreState, timings, url,
} from '../store';
import { addIndicator, removeIndicator, setMethod, setSiteRule, setSites, setWeight, siteRule, weightShares, type SiteRule } from '../lib/draft';
import { categorical, graduated, needDetail } from '../map/colouring';
import { number, ordinal, share, value as fmtValue } from '../lib/format';
import { DataTable } from '../components/DataTable';
import { Figure } from '../components/Figure';
import { rankChart } from './charts';
import { SavePanel } from './Save';
import { ExportPanel } from '../components/Export';
import { ScenarioPicker } from './ScenarioPicker';
import { useFitToScenario } from './fit';
import { can, whyNot } from '../session';
import type { Plan, ScenarioDoc } from '../types';

const normalisations: [string, string][] = [
  ['zscore', 'z-score (standard deviations from the mean)'], ['minmax', 'Min–max (0 to 1)'],
  ['rank', 'Percentile rank'], ['exponential', 'Exponential (as the IoD does)'],
];
const aggregations: [string, string][] = [['arithmetic', 'Weighted arithmetic mean'], ['geometric', 'Weighted geometric mean']];
const models: [string, string][] = [
  ['mclp', 'Reach the most need within the standard (maximal covering)'],
  ['pmedian', 'Least need-weighted travel (p-median)'],
  ['capacitated', 'Most need reached within each site’s capacity'],
];

export function ScenarioView() {
  const d = draft.value;
  const u = url.value;
  const s = score.value;
  const p = plan.value;
  const nb = needBreaks.value;
  useFitToScenario();

  // The map: the draft's need, or each chosen site's catchment. The
  // layer changes only when what it shows does, so a re-solve that leaves
  // the need alone does not recolour the map.
  const catchments = u.colour === 'catchment' ? p : null;
  useEffect(() => {
    if (!d) return;
    const geog = d.doc.dataset.geography;
    if (catchments?.areas) {
      const cats = new Map<string, string>();
      for (const a of catchments.areas) if (a.served_by) cats.set(a.code, a.served_by);
      main.value = {
        ...main.peek(),
        layer: categorical(cats, catchments.sites.map((x) => x.id), {
          title: 'Catchments: the site serving each area', subtitle: `Within ${catchments.standard} ${catchments.unit} of a chosen site`,
          noData: `Beyond ${catchments.standard} ${catchments.unit} of every chosen site`, valueLabel: 'Served by',
        }),
        label: `Map of the catchments of ${catchments.scenario}`, geography: geog,
      };
      return;
    }
    if (u.colour === 'catchment' || !s?.areas || !nb) return;
    const values = new Map<string, number>();
    for (const a of s.areas) if (a.need_score !== null) values.set(a.code, a.need_score);
    main.value = {
      ...main.peek(),
      layer: graduated(values, nb, { title: `Need score: ${s.scenario}`, more: needDetail(s.areas) }),
      label: `Map of the need score of ${s.scenario}`, geography: geog,
    };
  }, [d?.doc.dataset.geography, s, nb, catchments, u.colour]);
  useEffect(() => {
    main.value = { ...main.peek(), candidates: p?.candidates ?? null };
  }, [p]);

  // Open the scenario the URL names, or the first stored one.
  const loadError = useSignal('');
  useEffect(() => {
    ensureDraft().catch((err) => { loadError.value = problemText(err); });
  }, []);

  return (
    <>
      <h1 class="govuk-heading-l" tabIndex={-1}>Shape a scenario</h1>
      <ScenarioPicker />
      {loadError.value && <p class="govuk-error-message" role="alert">{loadError.value}</p>}
      {d && <Glance />}
      {d && <Editor doc={d.doc} />}
      {d && <Results />}
      {d && <SavePanel />}
      {d && (
        <ExportPanel scenarioRef={d.id ? `${d.id}@${d.revision}` : null}
          note={d.id && dirty.value ? `The exports are of revision ${d.revision} as saved: save your changes to export them.` : undefined} />
      )}
    </>
  );
}

function Editor({ doc }: { doc: ScenarioDoc }) {
  const geog = doc.dataset.geography;
  const shares = weightShares(doc);
  const usable = (indicators.value[geog] ?? []).filter((i) => i.kind !== 'rank' && i.kind !== 'decile' && i.kind !== 'population'
    && !doc.indicators.some((x) => x.key === i.key));
  const toAdd = useSignal('');
  const u = url.value;
  // Changing a scenario, and scoring or solving a changed one, is for analysts.
  const locked = !can('analyst');
  return (
    <form class="pp-editor" onSubmit={(e) => e.preventDefault()} aria-label="Scenario settings">
      {locked && <p class="govuk-inset-text pp-locked" id="edit-locked">{whyNot('analyst')}.</p>}
      <fieldset class="govuk-fieldset pp-section" disabled={locked} aria-describedby={locked ? 'edit-locked' : undefined}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m"><h2 class="govuk-fieldset__heading">Need score</h2></legend>
        <p class="govuk-hint">Each indicator’s weight; shares are of all the weights. The ranking and the map follow as you change them.</p>
        <ul class="pp-weights">
          {doc.indicators.map((ind) => {
            const id = `w-${ind.key}`;
            const name = indicatorName(ind.key, geog);
            return (
              <li class="pp-weight" key={ind.key}>
                <label class="govuk-label pp-weight__name" for={id}>{name}</label>
                <div class="pp-weight__controls">
                  <input type="range" class="pp-range" id={id} min={0} max={10} step={0.5} value={ind.weight}
                    aria-valuetext={`${number(ind.weight, 1)}, ${share(shares[ind.key])} of the score`}
                    onInput={(e) => edit((x) => setWeight(x, ind.key, Number((e.target as HTMLInputElement).value)))} />
                  <input type="number" class="govuk-input govuk-input--width-3" id={`${id}-n`} min={0} max={100} step={0.5}
                    value={ind.weight} aria-label={`Weight of ${name}`}
                    // On every keystroke, not on change: a re-render before the
                    // field loses focus (an answer arriving) would otherwise put
                    // the old weight back over what was typed. A field left
                    // empty or half-typed changes nothing.
                    onInput={(e) => {
                      const v = (e.target as HTMLInputElement).valueAsNumber;
                      if (Number.isFinite(v) && v >= 0) edit((x) => setWeight(x, ind.key, v));
                    }} />
                  <span class="pp-weight__share" aria-hidden="true">{share(shares[ind.key])}</span>
                  <button type="button" class="pp-linkbutton pp-weight__remove" disabled={doc.indicators.length <= 1}
                    onClick={() => { edit((x) => removeIndicator(x, ind.key)); announce(`Removed ${name}.`); }}>
                    Remove<span class="govuk-visually-hidden"> {name}</span>
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
        {usable.length > 0 && (
          <div class="pp-row pp-row--end">
            <div class="govuk-form-group">
              <label class="govuk-label govuk-label--s" for="add-indicator">Add an indicator</label>
              <select class="govuk-select pp-wide" id="add-indicator" value={toAdd.value} onChange={(e) => { toAdd.value = (e.target as HTMLSelectElement).value; }}>
                <option value="">Choose an indicator</option>
                {usable.map((i) => <option value={i.key} key={i.key}>{i.name}</option>)}
              </select>
            </div>
            <button type="button" class="govuk-button govuk-button--secondary" disabled={!toAdd.value}
              onClick={() => { edit((x) => addIndicator(x, toAdd.value)); announce(`Added ${indicatorName(toAdd.value, geog)} with weight 1.`); toAdd.value = ''; }}>
              Add
            </button>
          </div>
        )}
        <div class="pp-row">
          <Select id="normalisation" label="Normalisation" value={doc.normalisation ?? 'zscore'} options={normalisations}
            onChange={(v) => edit((x) => setMethod(x, 'normalisation', v))} />
          <Select id="aggregation" label="Aggregation" value={doc.aggregation ?? 'arithmetic'} options={aggregations}
            onChange={(v) => edit((x) => setMethod(x, 'aggregation', v))} />
        </div>
      </fieldset>
      {doc.sites && (
        // Not disabled as a whole: the candidates' table scrolls, by keyboard too.
        <fieldset class="govuk-fieldset pp-section" aria-describedby={locked ? 'edit-locked' : undefined}>
          <legend class="govuk-fieldset__legend govuk-fieldset__legend--m"><h2 class="govuk-fieldset__heading">Sites</h2></legend>
          <Select id="model" label="Choose sites to" value={doc.sites.model ?? 'mclp'} options={models} wide disabled={locked}
            onChange={(v) => edit((x) => setSites(x, { model: v }))} />
          <div class="pp-row">
            <div class="govuk-form-group">
              <label class="govuk-label govuk-label--s" for="teams">Number of teams</label>
              <div class="govuk-hint" id="teams-hint">Sites already open count</div>
              <input class="govuk-input govuk-input--width-3" type="number" id="teams" min={1} max={50} step={1} value={doc.sites.teams ?? 1}
                disabled={locked} aria-describedby="teams-hint" onChange={(e) => edit((x) => setSites(x, { teams: Number((e.target as HTMLInputElement).value) }))} />
            </div>
            <div class="govuk-form-group">
              <label class="govuk-label govuk-label--s" for="standard">Service standard (minutes)</label>
              <div class="govuk-hint" id="standard-hint">Longest drive to a team</div>
              <input class="govuk-input govuk-input--width-3" type="number" id="standard" min={5} max={120} step={5}
                value={doc.sites.standard_minutes ?? ''} disabled={locked} aria-describedby="standard-hint"
                onChange={(e) => edit((x) => setSites(x, { standard_minutes: Number((e.target as HTMLInputElement).value) }))} />
            </div>
          </div>
          <Candidates locked={locked} />
        </fieldset>
      )}
      <div class="govuk-form-group pp-section">
        <fieldset class="govuk-fieldset">
          <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Colour the map by</legend>
          <div class="govuk-radios govuk-radios--small govuk-radios--inline">
            {([['need', 'Need score'], ['catchment', 'Each site’s catchment']] as const).map(([v, l]) => (
              <div class="govuk-radios__item" key={v}>
                <input class="govuk-radios__input" type="radio" name="colour" id={`colour-${v}`} value={v} checked={u.colour === v}
                  disabled={v === 'catchment' && !doc.sites} onChange={() => patch({ colour: v })} />
                <label class="govuk-label govuk-radios__label" for={`colour-${v}`}>{l}</label>
              </div>
            ))}
          </div>
        </fieldset>
      </div>
    </form>
  );
}

/** Glance keeps the results in sight while the settings below are changed. */
function Glance() {
  const s = score.value;
  const p = plan.value;
  if (!s) return null;
  const top = s.localities.slice(0, 5);
  return (
    <div class="pp-glance" aria-label="Results at a glance" role="group">
      <p class="govuk-body-s"><strong>Most need:</strong> {top.map((l) => `${l.rank} ${l.locality}`).join(' · ')}
        {' '}<a class="govuk-link" href="#ranking-h">all localities</a></p>
      {p && draft.value?.doc.sites && (
        <p class="govuk-body-s"><strong>Sites:</strong> {p.sites.map((x) => x.id).join(' · ')}; {share((p.selection.covered_weight ?? 0) / (p.selection.total_weight || 1))} of the {p.demand.noun} reached
          {planState.value === 'busy' ? <span class="pp-muted"> (re-solving…)</span> : null}{' '}<a class="govuk-link" href="#sites-h">why</a></p>
      )}
    </div>
  );
}

function Select({ id, label, value, options, onChange, wide, disabled }: {
  id: string; label: string; value: string; options: [string, string][]; onChange: (v: string) => void; wide?: boolean; disabled?: boolean;
}) {
  return (
    <div class="govuk-form-group">
      <label class="govuk-label govuk-label--s" for={id}>{label}</label>
      <select class={`govuk-select${wide ? ' pp-wide' : ''}`} id={id} value={value} disabled={disabled} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {options.map(([v, l]) => <option value={v} key={v}>{l}</option>)}
      </select>
    </div>
  );
}

const ruleLabels: [SiteRule, string][] = [['free', 'May be chosen'], ['fixed', 'Fixed (already open)'], ['excluded', 'Excluded']];

/** Candidates lists every candidate site with whether it is fixed, excluded
 * or free to choose; clicking one on the map comes here. locked shows the
 * rules without the means to change them. */
function Candidates({ locked }: { locked: boolean }) {
  const d = draft.value!;
  const p = plan.value;
  const box = useRef<HTMLDivElement>(null);
  const cands = p?.candidates ?? [];
  useEffect(() => {
    const onPick = (e: Event) => {
      const id = (e as CustomEvent<string>).detail;
      const sel = box.current?.querySelector<HTMLSelectElement>(`select[data-site="${CSS.escape(id)}"]`);
      if (!can('analyst')) {
        announce(`${id}: ${ruleLabels.find(([k]) => k === siteRule(draft.peek()!.doc, id))?.[1]}. ${whyNot('analyst')}.`);
      } else if (sel) {
        sel.scrollIntoView({ block: 'center' });
        sel.focus();
        announce(`${id}: choose whether it may be chosen, is fixed or is excluded.`);
      }
    };
    addEventListener('pp:candidate', onPick);
    return () => removeEventListener('pp:candidate', onPick);
  }, []);
  if (!cands.length) return <p class="govuk-body-s">{planState.value === 'busy' ? 'Finding the candidate sites…' : ''}</p>;
  return (
    <div ref={box} class="pp-candidates">
      <h3 class="govuk-heading-s">Candidate sites</h3>
      <p class="govuk-hint">{locked
        ? 'Whether each site may be chosen, is fixed (already open) or is excluded.'
        : 'Fix a site that is already open or must be; exclude one that cannot be used. You can also click a site on the map.'}</p>
      <div class="pp-table__scroll" tabIndex={0} role="region" aria-label="Candidate sites">
        <table class="govuk-table govuk-table--small-text-until-tablet">
          <caption class="govuk-visually-hidden">Candidate sites and whether each may be chosen</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">Site</th>
              <th scope="col" class="govuk-table__header">Chosen</th>
              <th scope="col" class="govuk-table__header">Rule</th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {cands.map((c) => {
              const rule = siteRule(d.doc, c.id);
              return (
                <tr class="govuk-table__row" key={c.id}>
                  <th scope="row" class="govuk-table__cell">{c.id}</th>
                  <td class="govuk-table__cell">{c.selected ? <strong class="govuk-tag govuk-tag--blue">Chosen</strong> : '–'}</td>
                  <td class="govuk-table__cell">{locked ? ruleLabels.find(([k]) => k === rule)?.[1] : <>
                    <label class="govuk-visually-hidden" for={`rule-${c.id}`}>Rule for {c.id}</label>
                    <select class="govuk-select pp-select--small" id={`rule-${c.id}`} data-site={c.id} value={rule}
                      onChange={(e) => {
                        const r = (e.target as HTMLSelectElement).value as SiteRule;
                        edit((x) => setSiteRule(x, c.id, r));
                        announce(`${c.id}: ${ruleLabels.find(([k]) => k === r)?.[1].toLowerCase()}. Re-solving the sites.`);
                      }}>
                      {ruleLabels.map(([v, l]) => <option value={v} key={v}>{l}</option>)}
                    </select>
                  </>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** gapText says how close the chosen sites are to the best possible. */
export function gapText(p: Plan): string {
  const sel = p.selection;
  if (sel.proven_optimal) return 'These sites are proven the best possible choice under the scenario’s rules.';
  const gap = sel.gap;
  return `These sites are within ${share(gap, gap < 0.01 ? 2 : 1)} of the best possible choice (the solver’s bound); a better choice, if there is one, reaches at most that much more.`;
}

function Results() {
  const s = score.value;
  const p = plan.value;
  const t = timings.value;
  const locs = s?.localities ?? [];
  const chartDeps = useMemo(() => [locs], [locs]);
  return (
    <div class="pp-results">
      <section class="pp-section" aria-labelledby="ranking-h" aria-busy={scoreState.value === 'busy'}>
        <h2 class="govuk-heading-m" id="ranking-h">Localities ranked by need</h2>
        {scoreError.value && <p class="govuk-error-message" role="alert">{scoreError.value}</p>}
        {s && (
          <>
            <p class="govuk-body-s">{s.draws > 0
              ? `The bars show where each locality ranked in 90 % of ${number(s.draws)} draws over the weights and methods (the open dot is the median, the black dot the rank with the weights as set).`
              : 'With no uncertainty draws set, ranks are shown without intervals.'}
            {t.scoreMs !== undefined && <span class="pp-muted" data-testid="score-ms"> Scored in {t.scoreMs} ms.</span>}</p>
            <Figure caption={`Rank of each locality by need, with its 5–95 % interval: ${s.scenario}`} deps={chartDeps} draw={(P, w) => rankChart(P, locs, w)}>
              <DataTable
                caption="Localities ranked by need"
                rows={locs}
                rowKey={(l) => l.locality}
                columns={[
                  { key: 'locality', label: 'Locality', value: (l) => l.locality },
                  { key: 'rank', label: 'Rank', numeric: true, value: (l) => l.rank },
                  { key: 'rank_p5', label: '5 %', numeric: true, value: (l) => l.rank_p5 ?? null },
                  { key: 'rank_p95', label: '95 %', numeric: true, value: (l) => l.rank_p95 ?? null },
                  { key: 'need_score', label: 'Need score', numeric: true, value: (l) => l.need_score, render: (l) => fmtValue(l.need_score) },
                ]}
              />
            </Figure>
            <ol class="govuk-list pp-explanations" id="ranking">
              {locs.map((l) => (
                <li key={l.locality} data-locality={l.locality}>
                  <details class="govuk-details pp-details">
                    <summary class="govuk-details__summary">
                      <span class="govuk-details__summary-text">{ordinal(l.rank)} {l.locality}</span>
                      {l.rank_p5 !== undefined && <span class="pp-muted"> ranks {ordinal(l.rank_p5)}–{ordinal(l.rank_p95!)}</span>}
                    </summary>
                    <div class="govuk-details__text"><p class="govuk-body-s">{l.explanation}</p></div>
                  </details>
                </li>
              ))}
            </ol>
            {s.sensitivity_summary && <p class="govuk-body-s">{s.sensitivity_summary}</p>}
            {(s.warnings ?? []).map((w) => <div class="govuk-warning-text" key={w}><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>{w}</strong></div>)}
          </>
        )}
      </section>
      {draft.value?.doc.sites && (
        <section class="pp-section" aria-labelledby="sites-h" aria-busy={planState.value === 'busy'}>
          <h2 class="govuk-heading-m" id="sites-h">Chosen sites</h2>
          {planError.value && <p class="govuk-error-message" role="alert">{planError.value}</p>}
          {planState.value === 'busy' && <p class="govuk-body-s pp-muted">Solving…</p>}
          {p && (
            <>
              <p class="govuk-body" data-testid="gap">{gapText(p)}{t.planMs !== undefined && <span class="pp-muted govuk-body-s" data-testid="plan-ms"> Solved in {t.planMs} ms.</span>}</p>
              <p class="govuk-body-s">They reach {share((p.selection.covered_weight ?? 0) / (p.selection.total_weight || 1))} of the {p.demand.noun} within {p.standard} {p.unit}.</p>
              <ol class="govuk-list pp-sites" id="chosen-sites">
                {p.sites.map((site) => (
                  <li key={site.id} class="pp-site" data-site={site.id}>
                    <h3 class="govuk-heading-s">{site.id}{site.fixed && <strong class="govuk-tag govuk-tag--grey pp-tag">Fixed</strong>}</h3>
                    <p class="govuk-body-s">{site.explanation}</p>
                    {site.alternative && (
                      <p class="govuk-body-s"><strong>Closest alternative:</strong> {site.alternative}{site.alternative_loss !== null && site.alternative_loss !== undefined ? ` (would reach ${number(site.alternative_loss)} fewer ${p.demand.noun})` : ''}</p>
                    )}
                  </li>
                ))}
              </ol>
              {p.robustness?.summary && <p class="govuk-body-s">{p.robustness.summary}</p>}
              <p class="govuk-body-s"><button type="button" class="pp-linkbutton" onClick={() => patch({ view: 'rollout' })}>See the rollout</button> of these sites, phase by phase.</p>
            </>
          )}
        </section>
      )}
      {dirty.value && <p class="govuk-inset-text">These results are of your unsaved draft.</p>}
    </div>
  );
}
