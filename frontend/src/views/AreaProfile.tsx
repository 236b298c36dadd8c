// One small area's profile: every indicator with its national rank and
// decile, and the IoD summary measures of the localities it belongs to.

import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { announce, patch, problemText } from '../store';
import { ordinal, value as fmtValue, share, number } from '../lib/format';
import { DataTable } from '../components/DataTable';
import type { AreaProfile as Profile, Locality, Summaries, SummaryGroup } from '../types';

interface Membership { locality: Locality; summary: SummaryGroup | null; of: number }

const localityCache = new Map<string, Promise<Locality[]>>();
const summaryCache = new Map<string, Promise<Summaries>>();

function localitiesOf(geog: string): Promise<Locality[]> {
  let p = localityCache.get(geog);
  if (!p) {
    p = api.localities(geog);
    localityCache.set(geog, p);
    p.catch(() => localityCache.delete(geog));
  }
  return p;
}

function summariesOf(geog: string, scheme: string): Promise<Summaries> {
  const key = `${geog}|${scheme}`;
  let p = summaryCache.get(key);
  if (!p) {
    p = api.summaries(geog, scheme);
    summaryCache.set(key, p);
    p.catch(() => summaryCache.delete(key));
  }
  return p;
}

export function AreaProfile({ code, geography }: { code: string; geography: string }) {
  const [profile, setProfile] = useState<Profile | null>(null);
  const [members, setMembers] = useState<Membership[]>([]);
  const [error, setError] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    setProfile(null);
    setError('');
    setMembers([]);
    api.profile(geography, code, ctrl.signal).then(async (p) => {
      setProfile(p);
      announce(`Opened the profile of ${p.name}.`);
      requestAnimationFrame(() => heading.current?.focus());
      const locs = (await localitiesOf(geography)).filter((l) => l.areas.includes(code));
      const ms = await Promise.all(locs.map(async (l) => {
        try {
          const s = await summariesOf(geography, l.scheme);
          return { locality: l, summary: s.groups.find((g) => g.name === l.name) ?? null, of: s.groups.length };
        } catch {
          return { locality: l, summary: null, of: 0 };
        }
      }));
      if (!ctrl.signal.aborted) setMembers(ms);
    }).catch((err) => {
      if (!ctrl.signal.aborted) setError(problemText(err));
    });
    return () => ctrl.abort();
  }, [code, geography]);

  const close = () => {
    patch({ area: null });
    requestAnimationFrame(() => document.querySelector<HTMLElement>('#main h1')?.focus());
  };

  return (
    <div class="pp-profile">
      <button type="button" class="govuk-back-link pp-linkbutton" onClick={close}>Back</button>
      {error && <div class="govuk-error-summary" role="alert"><p class="govuk-body">{error}</p></div>}
      {!profile && !error && <p class="govuk-body" role="status">Loading the area’s profile…</p>}
      {profile && (
        <>
          <span class="govuk-caption-m">Small area {profile.code}</span>
          <h1 class="govuk-heading-l" tabIndex={-1} ref={heading}>{profile.name}</h1>
          <dl class="govuk-summary-list govuk-summary-list--no-border pp-summary">
            {profile.msoa_name && <Row k="Neighbourhood (MSOA)" v={`${profile.msoa_name} (${profile.msoa_code})`} />}
            {profile.lad_name && <Row k="District" v={profile.lad_name} />}
            {members.map((m) => <Row key={m.locality.id} k={m.locality.scheme} v={m.locality.name} />)}
          </dl>
          <DataTable
            caption="Every indicator, with its rank and decile"
            limit={80}
            rows={profile.indicators.filter((i) => i.kind !== 'rank' && i.kind !== 'decile')}
            rowKey={(i) => i.key}
            columns={[
              { key: 'indicator', label: 'Indicator', value: (i) => i.name,
                render: (i) => <>{i.name}<span class="pp-cellnote">{i.unit}</span></> },
              { key: 'value', label: 'Value', numeric: true, value: (i) => i.value, render: (i) => (i.suppressed ? 'withheld' : fmtValue(i.value)) },
              { key: 'rank', label: 'Rank', numeric: true, value: (i) => i.rank ?? null,
                render: (i) => (i.rank ? <>{number(i.rank)}<span class="pp-cellnote">of {number(i.rank_of ?? 0)}{i.rank_basis?.startsWith('national') ? '' : '*'}</span></> : '–') },
              { key: 'decile', label: 'Decile', numeric: true, value: (i) => i.decile ?? null },
              { key: 'rank_basis', label: 'Ranked', value: (i) => i.rank_basis ?? '', hidden: true },
            ]}
          />
          <p class="govuk-body-s">Rank 1 and decile 1 are the most need. IoD ranks are MHCLG’s national ones; those marked * rank among the areas loaded.</p>
          {members.filter((m) => m.summary).map((m) => <LocalitySummary key={m.locality.id} m={m} />)}
        </>
      )}
    </div>
  );
}

function Row({ k, v }: { k: string; v: string }) {
  return (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">{k}</dt>
      <dd class="govuk-summary-list__value">{v}</dd>
    </div>
  );
}

const domains: [string, string][] = [
  ['imd', 'Index of Multiple Deprivation'], ['income', 'Income'], ['employment', 'Employment'], ['education', 'Education, skills and training'],
  ['health', 'Health and disability'], ['crime', 'Crime'], ['barriers', 'Barriers to housing and services'], ['living_env', 'Living environment'],
  ['idaci', 'Income deprivation affecting children'], ['idaopi', 'Income deprivation affecting older people'],
];

function LocalitySummary({ m }: { m: Membership }) {
  const g = m.summary!;
  const num = (k: string) => (typeof g[k] === 'number' ? (g[k] as number) : null);
  const rows = domains.filter(([k]) => num(`${k}_average_rank`) !== null || num(`${k}_average_score`) !== null);
  const rankOf = (k: string) => (num(k) !== null ? `${ordinal(num(k)!)} of ${m.of}` : '–');
  return (
    <section class="pp-section">
      <h2 class="govuk-heading-m">{m.locality.name}: IoD summary measures</h2>
      <p class="govuk-body-s">MHCLG’s summary measures over the locality’s small areas, ranked among the {m.of} localities of {m.locality.scheme} (1st = most deprived).</p>
      <DataTable
        caption={`IoD summary measures of ${m.locality.name}`}
        rows={rows}
        rowKey={([k]) => k}
        columns={[
          { key: 'domain', label: 'Domain', value: ([, n]) => n },
          { key: 'average_score', label: 'Average score', numeric: true, value: ([k]) => num(`${k}_average_score`), render: ([k]) => fmtValue(num(`${k}_average_score`)) },
          { key: 'rank_of_average_score', label: 'Rank', numeric: true, value: ([k]) => num(`${k}_rank_of_average_score`), render: ([k]) => rankOf(`${k}_rank_of_average_score`) },
          { key: 'proportion_most_deprived_10pct', label: 'Share in most deprived 10 %', numeric: true,
            value: ([k]) => num(`${k}_proportion_most_deprived_10pct`), render: ([k]) => share(num(`${k}_proportion_most_deprived_10pct`)) },
          { key: 'extent', label: 'Extent', numeric: true, value: ([k]) => num(`${k}_extent`), render: ([k]) => share(num(`${k}_extent`)) },
          { key: 'rank_of_local_concentration', label: 'Local concentration rank', numeric: true,
            value: ([k]) => num(`${k}_rank_of_local_concentration`), render: ([k]) => rankOf(`${k}_rank_of_local_concentration`) },
        ]}
      />
    </section>
  );
}
