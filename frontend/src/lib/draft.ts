// Editing a scenario document as an unsaved draft: pure functions that
// return a changed copy, and a plain-words summary of what changed, which
// the save form offers as the revision's note.

import type { ScenarioDoc } from '../types';
import { listOf, number } from './format';

/** SiteRule is what a draft says of one candidate site. */
export type SiteRule = 'free' | 'fixed' | 'excluded';

const clone = (d: ScenarioDoc): ScenarioDoc => structuredClone(d);

/** setWeight sets an indicator's weight (not negative). */
export function setWeight(d: ScenarioDoc, key: string, weight: number): ScenarioDoc {
  const out = clone(d);
  const w = Number.isFinite(weight) ? Math.max(0, weight) : 0;
  const ind = out.indicators.find((i) => i.key === key);
  if (ind) ind.weight = w;
  if (out.weights && out.weights !== 'user') out.weights = 'user'; // an edited weight is the user's
  return out;
}

/** addIndicator adds an indicator with weight 1, unless it is there already. */
export function addIndicator(d: ScenarioDoc, key: string): ScenarioDoc {
  if (d.indicators.some((i) => i.key === key)) return d;
  const out = clone(d);
  out.indicators.push({ key, weight: 1 });
  return out;
}

/** removeIndicator removes an indicator; the last one cannot be removed. */
export function removeIndicator(d: ScenarioDoc, key: string): ScenarioDoc {
  if (d.indicators.length <= 1) return d;
  const out = clone(d);
  out.indicators = out.indicators.filter((i) => i.key !== key);
  return out;
}

/** setField sets a top-level method field: normalisation or aggregation. */
export function setMethod(d: ScenarioDoc, field: 'normalisation' | 'aggregation', v: string): ScenarioDoc {
  const out = clone(d);
  out[field] = v;
  return out;
}

/** setSites changes the sites section's model, teams or service standard. */
export function setSites(d: ScenarioDoc, change: { model?: string; teams?: number; standard_minutes?: number }): ScenarioDoc {
  const out = clone(d);
  if (!out.sites) return out;
  if (change.model !== undefined) out.sites.model = change.model;
  if (change.teams !== undefined) out.sites.teams = Math.max(1, Math.round(change.teams));
  if (change.standard_minutes !== undefined) {
    out.sites.standard_minutes = change.standard_minutes;
    delete out.sites.standard_km;
  }
  return out;
}

/** siteRule says whether a candidate is fixed, excluded or free in d. */
export function siteRule(d: ScenarioDoc, id: string): SiteRule {
  if (d.sites?.fixed?.includes(id)) return 'fixed';
  if (d.sites?.exclude?.includes(id)) return 'excluded';
  return 'free';
}

/** setSiteRule fixes, excludes or frees a candidate site. */
export function setSiteRule(d: ScenarioDoc, id: string, rule: SiteRule): ScenarioDoc {
  const out = clone(d);
  if (!out.sites) return out;
  const fixed = (out.sites.fixed ?? []).filter((s) => s !== id);
  const exclude = (out.sites.exclude ?? []).filter((s) => s !== id);
  if (rule === 'fixed') fixed.push(id);
  if (rule === 'excluded') exclude.push(id);
  out.sites.fixed = fixed;
  out.sites.exclude = exclude;
  if (!fixed.length) delete out.sites.fixed;
  if (!exclude.length) delete out.sites.exclude;
  return out;
}

/** weightShares gives each indicator's weight as a share of all weights. */
export function weightShares(d: ScenarioDoc): Record<string, number> {
  const total = d.indicators.reduce((s, i) => s + (i.weight || 0), 0);
  const out: Record<string, number> = {};
  for (const i of d.indicators) out[i.key] = total > 0 ? (i.weight || 0) / total : 0;
  return out;
}

/** describeChanges says in plain words how draft differs from base, naming indicators by name. */
export function describeChanges(base: ScenarioDoc, draft: ScenarioDoc, nameOf: (key: string) => string = (k) => k): string[] {
  const out: string[] = [];
  const before = new Map(base.indicators.map((i) => [i.key, i.weight]));
  const after = new Map(draft.indicators.map((i) => [i.key, i.weight]));
  const added = [...after.keys()].filter((k) => !before.has(k)).map(nameOf);
  const removed = [...before.keys()].filter((k) => !after.has(k)).map(nameOf);
  const reweighted = [...after.entries()].filter(([k, w]) => before.has(k) && before.get(k) !== w)
    .map(([k, w]) => `${nameOf(k)} ${number(before.get(k) ?? 0, 2)} → ${number(w, 2)}`);
  if (added.length) out.push(`added ${listOf(added)}`);
  if (removed.length) out.push(`removed ${listOf(removed)}`);
  if (reweighted.length) out.push(`weights: ${reweighted.join('; ')}`);
  for (const f of ['normalisation', 'aggregation'] as const) {
    if ((base[f] ?? '') !== (draft[f] ?? '')) out.push(`${f} ${base[f] ?? 'default'} → ${draft[f]}`);
  }
  const bs = base.sites ?? {}, ds = draft.sites ?? {};
  if (bs.model !== ds.model) out.push(`model ${bs.model} → ${ds.model}`);
  if (bs.teams !== ds.teams) out.push(`teams ${bs.teams} → ${ds.teams}`);
  if (bs.standard_minutes !== ds.standard_minutes) {
    out.push(`service standard ${bs.standard_minutes ?? bs.standard_km + ' km'} → ${ds.standard_minutes} minutes`);
  }
  const set = (xs?: string[]) => new Set(xs ?? []);
  const diff = (a: Set<string>, b: Set<string>) => [...b].filter((x) => !a.has(x));
  const nowFixed = diff(set(bs.fixed), set(ds.fixed)), unfixed = diff(set(ds.fixed), set(bs.fixed));
  const nowExcluded = diff(set(bs.exclude), set(ds.exclude)), unexcluded = diff(set(ds.exclude), set(bs.exclude));
  if (nowFixed.length) out.push(`fixed ${listOf(nowFixed)}`);
  if (unfixed.length) out.push(`no longer fixed: ${listOf(unfixed)}`);
  if (nowExcluded.length) out.push(`excluded ${listOf(nowExcluded)}`);
  if (unexcluded.length) out.push(`no longer excluded: ${listOf(unexcluded)}`);
  if (base.name !== draft.name) out.push(`renamed to “${draft.name}”`);
  return out;
}
