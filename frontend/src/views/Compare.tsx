// Compare two scenarios, or two revisions of one: side-by-side maps that
// move together (or one map of where they differ), the assumptions that
// differ, rank changes, sites in and out, coverage by phase and equity.

import { ExportPanel } from '../components/Export';
import { useEffect, useMemo } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { api, isAbort } from '../api';
import { announce, main, patch, problemText, scenarios, second, url } from '../store';
import { categorical, sequential } from '../map/colouring';
import { splitRef } from '../lib/url';
import { longDate, share } from '../lib/format';
import { DataTable } from '../components/DataTable';
import { Figure } from '../components/Figure';
import { coverageChart, type CoveragePoint } from './charts';
import type { Comparison, Plan, Revision } from '../types';
import { candidateBounds, fitOnce } from './fit';

const diffColours = { both: '#0072B2', a_only: '#E69F00', b_only: '#56B4E9' };

/** phaseLayer colours a plan's areas by the phase that reaches them. */
function phaseLayer(p: Plan) {
  const labels = p.rollout.phases.map((ph) => ph.label);
  const cats = new Map<string, string>();
  for (const a of p.areas ?? []) if (a.reached_in) cats.set(a.code, a.reached_in);
  return categorical(cats, labels, {
    title: `${p.scenario}: phase reaching each area`, colours: sequential(labels.length), noData: 'Not reached', valueLabel: 'Reached in',
  });
}

function RefPicker({ which, value, onChange }: { which: 'A' | 'B'; value: string; onChange: (ref: string) => void }) {
  const { id, revision } = splitRef(value);
  const revs = useSignal<Revision[]>([]);
  useEffect(() => {
    if (!id) return;
    api.revisions(id).then((r) => { revs.value = r; }).catch(() => { revs.value = []; });
  }, [id]);
  return (
    <fieldset class="govuk-fieldset pp-refpicker">
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Scenario {which}</legend>
      <div class="govuk-form-group">
        <label class="govuk-label" for={`cmp-${which}`}>Scenario</label>
        <select class="govuk-select pp-wide" id={`cmp-${which}`} value={id} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
          {scenarios.value.map((s) => <option value={s.id} key={s.id}>{s.name}</option>)}
        </select>
      </div>
      <div class="govuk-form-group">
        <label class="govuk-label" for={`cmp-${which}-rev`}>Revision</label>
        <select class="govuk-select" id={`cmp-${which}-rev`} value={revision ? String(revision) : ''}
          onChange={(e) => { const r = (e.target as HTMLSelectElement).value; onChange(r ? `${id}@${r}` : id); }}>
          <option value="">The current one</option>
          {revs.value.map((r) => <option value={String(r.revision)} key={r.revision}>Revision {r.revision}: {r.note || r.changes}</option>)}
        </select>
      </div>
    </fieldset>
  );
}

/** rankChange says how a locality's rank moves from A to B (rank 1 is the most need). */
export function rankChange(change: number | null): string {
  if (change === null) return '–';
  if (change === 0) return 'same rank';
  const n = Math.abs(change);
  return `${n} ${n === 1 ? 'place' : 'places'} ${change < 0 ? 'up (more need) in B' : 'down (less need) in B'}`;
}

export function Compare() {
  const u = url.value;
  const list = scenarios.value;
  const withSites = list.filter((s) => !s.id.endsWith('-need'));
  const a = u.a ?? withSites[0]?.id ?? '';
  const b = u.b ?? withSites.find((s) => s.id !== splitRef(a).id && s.id.startsWith(splitRef(a).id.split('-')[0]))?.id ?? withSites[1]?.id ?? a;
  const mode = useSignal<'side' | 'difference'>('side');
  const cmp = useSignal<Comparison | null>(null);
  const plans = useSignal<[Plan | null, Plan | null]>([null, null]);
  const error = useSignal('');
  const busy = useSignal(false);

  useEffect(() => {
    if (!a || !b) return;
    const ctrl = new AbortController();
    busy.value = true;
    Promise.all([api.compare(a, b, ctrl.signal), api.plan(a, ctrl.signal), api.plan(b, ctrl.signal)]).then(([c, pa, pb]) => {
      cmp.value = c;
      plans.value = [pa, pb];
      error.value = '';
      busy.value = false;
      announce(`Comparing ${c.labels[0]} with ${c.labels[1]}.`);
      fitOnce(`compare:${a},${b}`, candidateBounds([...(pa.candidates ?? []), ...(pb.candidates ?? [])]));
    }).catch((err) => {
      if (isAbort(err)) return;
      busy.value = false;
      error.value = problemText(err);
    });
    return () => ctrl.abort();
  }, [a, b]);

  useEffect(() => {
    const [pa, pb] = plans.value;
    const c = cmp.value;
    if (!pa || !pb || !c) return;
    if (mode.value === 'difference') {
      const cats = new Map<string, string>();
      const names = { both: 'Reached by both', a_only: `Only by A (${c.labels[0]})`, b_only: `Only by B (${c.labels[1]})` };
      for (const [code, k] of Object.entries(c.areas)) if (k !== 'neither') cats.set(code, names[k]);
      main.value = {
        layer: categorical(cats, [names.both, names.a_only, names.b_only], {
          title: 'Where the plans differ', colours: [diffColours.both, diffColours.a_only, diffColours.b_only],
          noData: 'Reached by neither', valueLabel: 'Reached',
        }),
        candidates: null, label: `Map of where ${c.labels[0]} and ${c.labels[1]} differ`, geography: pa.geography,
      };
      second.value = null;
      return;
    }
    const cands = (p: Plan) => (p.candidates ?? []).filter((x) => x.selected);
    main.value = { layer: phaseLayer(pa), candidates: cands(pa), label: `Map of A, ${c.labels[0]}`, geography: pa.geography };
    second.value = { layer: phaseLayer(pb), candidates: cands(pb), label: `Map of B, ${c.labels[1]}`, geography: pb.geography };
  }, [plans.value, cmp.value, mode.value]);

  useEffect(() => () => { second.value = null; }, []);

  const c = cmp.value;
  const points = useMemo(() => {
    if (!c) return [] as CoveragePoint[];
    const out: CoveragePoint[] = [];
    for (const ph of c.phases) {
      c.labels.forEach((label, i) => {
        const start = ph.starts[i];
        const v = ph.cumulative_weight_share[i];
        if (start && v !== null) out.push({ date: new Date(`${start}T00:00:00Z`), label: ph.labels[i] ?? '', series: `${i ? 'B' : 'A'}: ${label}`, share: v });
      });
    }
    return out;
  }, [c]);

  return (
    <>
      <h1 class="govuk-heading-l" tabIndex={-1}>Compare</h1>
      <p class="govuk-body">Two scenarios, or two revisions of one, side by side.</p>
      <RefPicker which="A" value={a} onChange={(r) => patch({ a: r })} />
      <RefPicker which="B" value={b} onChange={(r) => patch({ b: r })} />
      <div class="govuk-form-group">
        <fieldset class="govuk-fieldset">
          <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Map</legend>
          <div class="govuk-radios govuk-radios--small govuk-radios--inline">
            {([['side', 'Side by side'], ['difference', 'Where they differ']] as const).map(([v, l]) => (
              <div class="govuk-radios__item" key={v}>
                <input class="govuk-radios__input" type="radio" name="cmp-mode" id={`cmp-mode-${v}`} checked={mode.value === v}
                  onChange={() => { mode.value = v; }} />
                <label class="govuk-label govuk-radios__label" for={`cmp-mode-${v}`}>{l}</label>
              </div>
            ))}
          </div>
        </fieldset>
      </div>
      {error.value && <p class="govuk-error-message" role="alert">{error.value}</p>}
      {busy.value && !c && <p class="govuk-body" role="status">Comparing…</p>}
      {c && (
        <div id="comparison">
          <section class="pp-section">
            <h2 class="govuk-heading-m">In short</h2>
            {c.summary.map((s) => <p class="govuk-body" key={s}>{s}</p>)}
            {c.differences.length > 0 && (
              <DataTable caption="Assumptions that differ" rows={c.differences} rowKey={(d) => d.field}
                columns={[
                  { key: 'field', label: 'Setting', value: (d) => d.field },
                  { key: 'a', label: 'A', value: (d) => d.values[0] },
                  { key: 'b', label: 'B', value: (d) => d.values[1] },
                ]} />
            )}
          </section>
          <section class="pp-section">
            <h2 class="govuk-heading-m">Sites in and out</h2>
            <DataTable caption="Sites chosen by each, with the phase they open in" rows={c.sites.filter((s) => s.chosen.some(Boolean))} rowKey={(s) => s.id}
              columns={[
                { key: 'site', label: 'Site', value: (s) => s.id },
                { key: 'a', label: 'A', value: (s) => (s.chosen[0] ? s.phase[0] ?? 'chosen' : 'not chosen') },
                { key: 'b', label: 'B', value: (s) => (s.chosen[1] ? s.phase[1] ?? 'chosen' : 'not chosen') },
                { key: 'change', label: 'Change', value: (s) => (s.chosen[0] && !s.chosen[1] ? 'out in B' : !s.chosen[0] && s.chosen[1] ? 'in in B' : s.phase[0] !== s.phase[1] ? 'phase moves' : '') },
              ]} />
          </section>
          <section class="pp-section">
            <h2 class="govuk-heading-m">Coverage by phase</h2>
            <Figure caption="Need reached over time, A and B" deps={[points]}
              draw={(P, w) => coverageChart(P, points, w, { colours: { [`A: ${c.labels[0]}`]: '#0b0c0c', [`B: ${c.labels[1]}`]: '#1d70b8' } })}>
              <DataTable caption="Cumulative need reached by phase" rows={c.phases} rowKey={(p) => String(p.index)}
                columns={[
                  { key: 'phase', label: 'Phase', value: (p) => p.labels[0] ?? p.labels[1] },
                  { key: 'a_start', label: 'A opens', value: (p) => p.starts[0], render: (p) => longDate(p.starts[0]) },
                  { key: 'a_share', label: 'A reached', numeric: true, value: (p) => p.cumulative_weight_share[0], render: (p) => share(p.cumulative_weight_share[0]) },
                  { key: 'b_start', label: 'B opens', value: (p) => p.starts[1], render: (p) => longDate(p.starts[1]) },
                  { key: 'b_share', label: 'B reached', numeric: true, value: (p) => p.cumulative_weight_share[1], render: (p) => share(p.cumulative_weight_share[1]) },
                ]} />
            </Figure>
          </section>
          <section class="pp-section">
            <h2 class="govuk-heading-m">Equity</h2>
            <DataTable caption="Shares reached when every site is open" rows={c.equity.map((e, i) => ({ ...e, which: `${i ? 'B' : 'A'}: ${c.labels[i]}` }))} rowKey={(e) => e.which}
              columns={[
                { key: 'scenario', label: 'Scenario', value: (e) => e.which },
                { key: 'weight_share', label: 'Need', numeric: true, value: (e) => e.weight_share, render: (e) => share(e.weight_share) },
                { key: 'population_share', label: 'People', numeric: true, value: (e) => e.population_share, render: (e) => share(e.population_share) },
                { key: 'most_deprived_share', label: 'Most deprived decile', numeric: true, value: (e) => e.most_deprived_share, render: (e) => share(e.most_deprived_share) },
                { key: 'need_time_share', label: 'Need-time of the rollout', numeric: true, value: (e) => e.need_time_share, render: (e) => share(e.need_time_share) },
              ]} />
          </section>
          <section class="pp-section">
            <h2 class="govuk-heading-m">Need ranks</h2>
            <DataTable caption="Localities’ need ranks in A and B" rows={c.localities} rowKey={(l) => l.locality}
              columns={[
                { key: 'locality', label: 'Locality', value: (l) => l.locality },
                { key: 'a', label: 'A', numeric: true, value: (l) => l.ranks[0] },
                { key: 'b', label: 'B', numeric: true, value: (l) => l.ranks[1] },
                { key: 'change', label: 'Change', numeric: true, value: (l) => l.change,
                  render: (l) => rankChange(l.change) },
              ]} />
          </section>
          <ExportPanel scenarioRef={c.labels[0]} compare={c.labels[1]}
            note={`The paper of A (${c.labels[0]}) with B (${c.labels[1]}) set beside it as the alternative, and the tables behind it.`} />
        </div>
      )}
    </>
  );
}
