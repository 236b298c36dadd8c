// Roll out: the phases in order, with play and step controls that show on
// the map the areas each phase reaches, the cumulative coverage chart, the
// evaluation verdict and the matched comparison areas.

import { useEffect, useMemo, useRef } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { announce, draft, ensureDraft, main, patch, plan, planError, planState, url } from '../store';
import { categorical, sequential } from '../map/colouring';
import { longDate, number, share } from '../lib/format';
import { DataTable } from '../components/DataTable';
import { Figure } from '../components/Figure';
import { coverageChart, type CoveragePoint } from './charts';
import { ScenarioPicker } from './ScenarioPicker';
import { useFitToScenario } from './fit';
import type { Plan } from '../types';

export const seriesColours: Record<string, string> = {
  'Need reached': '#0b0c0c',
  'Children or people reached': '#1d70b8',
  'Most deprived decile reached': '#d4351c',
};

/** coveragePoints turns a plan's phases into the chart's points. */
export function coveragePoints(p: Plan): CoveragePoint[] {
  const out: CoveragePoint[] = [];
  for (const ph of p.rollout.phases) {
    const date = new Date(`${ph.start}T00:00:00Z`);
    // A share withheld to protect a small count is left out of the chart.
    if (ph.cumulative_weight_share !== null) out.push({ date, label: ph.label, series: 'Need reached', share: ph.cumulative_weight_share });
    out.push({ date, label: ph.label, series: 'Children or people reached', share: ph.cumulative_population_share });
    out.push({ date, label: ph.label, series: 'Most deprived decile reached', share: ph.cumulative_most_deprived_share });
  }
  return out;
}

/** phaseText says what a phase does, for the timeline and the announcement. */
export function phaseText(p: Plan, i: number): string {
  const ph = p.rollout.phases[i];
  const sites = ph.sites.map((s) => s.id).join(', ');
  return `${ph.label}, ${longDate(ph.start)}: ${sites || 'no new site'} ${ph.sites.length === 1 ? 'opens' : 'open'}; ${share(ph.cumulative_weight_share)} of the need reached, ${share(ph.cumulative_most_deprived_share)} of the most deprived decile.`;
}

export function Rollout() {
  const p = plan.value;
  const d = draft.value;
  const u = url.value;
  const phases = p?.rollout.phases ?? [];
  const last = Math.max(0, phases.length - 1);
  const step = Math.min(u.phase ?? last, last);
  const playing = useSignal(false);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  useFitToScenario();

  const show = (i: number, say = true) => {
    patch({ phase: i });
    if (say && p) announce(phaseText(p, i));
  };

  useEffect(() => {
    if (!p?.areas) return;
    const labels = phases.map((ph) => ph.label);
    const shown = new Map<string, string>();
    for (const a of p.areas) {
      if (a.phase_index !== null && a.phase_index <= step && a.reached_in) shown.set(a.code, a.reached_in);
    }
    const reachedSites = new Set(phases.slice(0, step + 1).flatMap((ph) => ph.sites.map((s) => s.id)));
    main.value = {
      layer: categorical(shown, labels, {
        title: `Areas reached by ${phases[step]?.label ?? ''} (${longDate(phases[step]?.start)})`,
        subtitle: 'Each area coloured by the phase that first reaches it; darkest first.',
        colours: sequential(labels.length), noData: 'Not yet reached', valueLabel: 'Reached in',
      }),
      candidates: (p.candidates ?? []).filter((c) => c.selected).map((c) => ({ ...c, selected: reachedSites.has(c.id) })),
      label: `Map of the rollout of ${p.scenario}, up to ${phases[step]?.label}`,
      geography: p.geography,
    };
  }, [p, step]);

  useEffect(() => {
    ensureDraft().catch(() => { /* the picker shows the list */ });
    return () => { if (timer.current) clearInterval(timer.current); };
  }, []);

  const play = () => {
    if (playing.value) {
      if (timer.current) clearInterval(timer.current);
      playing.value = false;
      announce('Paused.');
      return;
    }
    playing.value = true;
    let i = step >= last ? 0 : step + 1;
    show(i);
    timer.current = setInterval(() => {
      i++;
      if (i > last) {
        if (timer.current) clearInterval(timer.current);
        playing.value = false;
        return;
      }
      show(i);
    }, 1600);
  };

  const points = useMemo(() => (p ? coveragePoints(p) : []), [p]);
  const current = phases[step] ? new Date(`${phases[step].start}T00:00:00Z`) : null;

  return (
    <>
      <h1 class="govuk-heading-l" tabIndex={-1}>Roll out</h1>
      <ScenarioPicker />
      {!d && <p class="govuk-body">Choose a scenario with sites to see its rollout.</p>}
      {d && !d.doc.sites && <p class="govuk-body">This scenario ranks need but chooses no sites: choose one with a sites section.</p>}
      {planError.value && <p class="govuk-error-message" role="alert">{planError.value}</p>}
      {d?.doc.sites && !p && planState.value === 'busy' && <p class="govuk-body" role="status">Working out the rollout…</p>}
      {p && (
        <>
          <section class="pp-section" aria-labelledby="timeline-h">
            <h2 class="govuk-heading-m" id="timeline-h">Timeline</h2>
            <div class="pp-player" role="group" aria-label="Rollout player">
              <button type="button" class="govuk-button govuk-button--secondary pp-button--small" disabled={step <= 0 || playing.value}
                onClick={() => show(step - 1)}>Previous phase</button>
              <button type="button" class="govuk-button pp-button--small" onClick={play} aria-pressed={playing.value}>
                {playing.value ? 'Pause' : 'Play the rollout'}
              </button>
              <button type="button" class="govuk-button govuk-button--secondary pp-button--small" disabled={step >= last || playing.value}
                onClick={() => show(step + 1)}>Next phase</button>
            </div>
            <div class="govuk-form-group">
              <label class="govuk-label govuk-label--s" for="phase-range">Phase shown on the map</label>
              <input type="range" class="pp-range pp-wide" id="phase-range" min={0} max={last} step={1} value={step}
                aria-valuetext={`${phases[step]?.label}, ${longDate(phases[step]?.start)}`}
                onInput={(e) => show(Number((e.target as HTMLInputElement).value), false)} />
            </div>
            <ol class="pp-timeline" id="timeline">
              {phases.map((ph, i) => (
                <li key={ph.label} class={`pp-timeline__phase${i === step ? ' pp-timeline__phase--current' : ''}${i > step ? ' pp-timeline__phase--future' : ''}`}
                  aria-current={i === step ? 'step' : undefined}>
                  <button type="button" class="pp-linkbutton pp-timeline__when" onClick={() => show(i)}>
                    <span class="pp-timeline__label">{ph.label}</span> <time dateTime={ph.start}>{longDate(ph.start)}</time>
                  </button>
                  <p class="govuk-body-s pp-timeline__sites"><strong>{ph.sites.map((s) => s.id).join(', ')}</strong>
                    {ph.sites.some((s) => s.fixed) && ' (already open)'}</p>
                  <p class="govuk-body-s">{ph.summary}</p>
                </li>
              ))}
            </ol>
            <p class="govuk-body-s">The order {p.rollout.proven_optimal ? 'is proven to reach' : 'reaches'} need soonest: {share(p.rollout.auc_share)} of the most that could be reached over the whole period. The rollout ends {longDate(p.rollout.end)}.</p>
          </section>
          <section class="pp-section" aria-labelledby="coverage-h">
            <h2 class="govuk-heading-m" id="coverage-h">Coverage over time</h2>
            <Figure id="coverage" caption={`Cumulative share reached, phase by phase: ${p.scenario}`} deps={[points, step]}
              draw={(P, w) => coverageChart(P, points, w, { current, colours: seriesColours })}>
              <DataTable
                caption="Cumulative coverage by phase"
                rows={phases}
                rowKey={(ph) => ph.label}
                columns={[
                  { key: 'phase', label: 'Phase', value: (ph) => ph.label },
                  { key: 'start', label: 'Opens', value: (ph) => ph.start, render: (ph) => longDate(ph.start) },
                  { key: 'sites', label: 'Sites', value: (ph) => ph.sites.map((s) => s.id).join('; ') },
                  { key: 'need_share', label: 'Need reached', numeric: true, value: (ph) => ph.cumulative_weight_share, render: (ph) => share(ph.cumulative_weight_share) },
                  { key: 'population_share', label: 'People reached', numeric: true, value: (ph) => ph.cumulative_population_share, render: (ph) => share(ph.cumulative_population_share) },
                  { key: 'most_deprived_share', label: 'Most deprived decile', numeric: true, value: (ph) => ph.cumulative_most_deprived_share, render: (ph) => share(ph.cumulative_most_deprived_share) },
                  { key: 'new_population', label: 'Newly reached', numeric: true, value: (ph) => ph.new_population, render: (ph) => number(ph.new_population) },
                ]}
              />
            </Figure>
          </section>
          {p.evaluation && (
            <section class="pp-section" aria-labelledby="evaluation-h">
              <h2 class="govuk-heading-m" id="evaluation-h">Evaluation</h2>
              <div class={`govuk-inset-text pp-verdict${p.evaluation.evaluable ? '' : ' pp-verdict--warn'}`} id="verdict">
                <strong>{p.evaluation.evaluable ? 'The rollout can be evaluated as a stepped wedge.' : 'A stepped-wedge test of these sites will not work as it stands.'}</strong>{' '}
                {p.evaluation.verdict}
              </div>
              <DataTable
                caption="Balance of the randomised order, by phase"
                rows={p.evaluation.balance}
                rowKey={(b) => b.label}
                columns={[
                  { key: 'phase', label: 'Phase', value: (b) => b.label },
                  { key: 'sites', label: 'Sites', numeric: true, value: (b) => b.sites },
                  { key: 'units', label: 'Areas', numeric: true, value: (b) => b.units },
                  { key: 'population', label: 'Population', numeric: true, value: (b) => b.population, render: (b) => number(b.population) },
                  { key: 'most_deprived_share', label: 'Most deprived', numeric: true, value: (b) => b.most_deprived_share, render: (b) => share(b.most_deprived_share) },
                ]}
              />
            </section>
          )}
          {(p.comparisons ?? []).length > 0 && (
            <section class="pp-section" aria-labelledby="comparison-h">
              <h2 class="govuk-heading-m" id="comparison-h">Matched comparison areas</h2>
              <p class="govuk-body-s">Each area a phase reaches, paired with a similar area not yet reached, so the difference the team makes can be measured.</p>
              {p.comparisons!.map((c) => (
                <details class="govuk-details" key={c.label}>
                  <summary class="govuk-details__summary"><span class="govuk-details__summary-text">{c.label}: {c.pairs.length} pairs{c.balanced ? ', balanced' : ''}</span></summary>
                  <div class="govuk-details__text">
                    <p class="govuk-body-s">{c.summary}</p>
                    <DataTable
                      caption={`Matched pairs, ${c.label}`}
                      rows={c.pairs}
                      rowKey={(x) => x.treated}
                      limit={20}
                      columns={[
                        { key: 'treated', label: 'Reached area', value: (x) => x.treated,
                          render: (x) => <button type="button" class="pp-linkbutton" onClick={() => patch({ area: x.treated })}>{x.treated}</button> },
                        { key: 'control', label: 'Comparison area', value: (x) => x.control,
                          render: (x) => <button type="button" class="pp-linkbutton" onClick={() => patch({ area: x.control })}>{x.control}</button> },
                        { key: 'distance', label: 'Distance', numeric: true, value: (x) => Number(x.distance.toFixed(2)) },
                      ]}
                    />
                  </div>
                </details>
              ))}
            </section>
          )}
        </>
      )}
    </>
  );
}
