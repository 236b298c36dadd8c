import { describe, expect, it } from 'vitest';
import {
  addIndicator, describeChanges, removeIndicator, setMethod, setSiteRule, setSites, setWeight, siteRule, weightShares,
} from '../../src/lib/draft';
import type { ScenarioDoc } from '../../src/types';

const base: ScenarioDoc = {
  placeplan_scenario: 1,
  name: 'Shropshire — five integrated teams (Oswestry live)',
  dataset: { geography: 'lsoa11' },
  localities: { scheme: 'Shropshire early help localities' },
  indicators: [{ key: 'idaci_score', weight: 3 }, { key: 'income_score', weight: 1 }],
  weights: 'user',
  normalisation: 'zscore',
  aggregation: 'arithmetic',
  sites: { model: 'mclp', teams: 5, standard_minutes: 20, fixed: ['Oswestry'] },
};

describe('editing a draft', () => {
  it('never changes the document it starts from', () => {
    const before = structuredClone(base);
    setWeight(base, 'idaci_score', 5);
    setSiteRule(base, 'Ludlow', 'excluded');
    setSites(base, { teams: 3 });
    expect(base).toEqual(before);
  });
  it('sets weights, never below zero', () => {
    expect(setWeight(base, 'idaci_score', 5).indicators[0].weight).toBe(5);
    expect(setWeight(base, 'idaci_score', -2).indicators[0].weight).toBe(0);
    expect(setWeight(base, 'idaci_score', Number.NaN).indicators[0].weight).toBe(0);
  });
  it('an edited weight makes equal or IoD weights the user’s own', () => {
    expect(setWeight({ ...base, weights: 'equal' }, 'income_score', 2).weights).toBe('user');
  });
  it('adds and removes indicators, keeping at least one', () => {
    const d = addIndicator(base, 'employment_score');
    expect(d.indicators.map((i) => i.key)).toEqual(['idaci_score', 'income_score', 'employment_score']);
    expect(addIndicator(d, 'employment_score')).toBe(d);
    const one = removeIndicator(removeIndicator(base, 'income_score'), 'idaci_score');
    expect(one.indicators.map((i) => i.key)).toEqual(['idaci_score']);
  });
  it('weight shares sum to one', () => {
    expect(weightShares(base)).toEqual({ idaci_score: 0.75, income_score: 0.25 });
    expect(weightShares(setWeight(setWeight(base, 'idaci_score', 0), 'income_score', 0))).toEqual({ idaci_score: 0, income_score: 0 });
  });
  it('fixes, excludes and frees sites', () => {
    let d = setSiteRule(base, 'Ludlow', 'excluded');
    expect(siteRule(d, 'Ludlow')).toBe('excluded');
    expect(siteRule(d, 'Oswestry')).toBe('fixed');
    d = setSiteRule(d, 'Ludlow', 'fixed');
    expect(d.sites?.fixed).toEqual(['Oswestry', 'Ludlow']);
    expect(d.sites?.exclude).toBeUndefined();
    d = setSiteRule(setSiteRule(d, 'Ludlow', 'free'), 'Oswestry', 'free');
    expect(d.sites?.fixed).toBeUndefined();
    expect(siteRule(d, 'Oswestry')).toBe('free');
  });
  it('a standard in minutes replaces one in km', () => {
    const d = setSites({ ...base, sites: { ...base.sites, standard_km: 10, standard_minutes: undefined } }, { standard_minutes: 30 });
    expect(d.sites?.standard_minutes).toBe(30);
    expect(d.sites && 'standard_km' in d.sites).toBe(false);
    expect(setSites(base, { teams: 2.6 }).sites?.teams).toBe(3);
    expect(setSites(base, { teams: -1 }).sites?.teams).toBe(1);
  });
});

describe('describeChanges', () => {
  it('is empty when nothing changed', () => expect(describeChanges(base, structuredClone(base))).toEqual([]));
  it('says what changed in plain words', () => {
    let d = setWeight(base, 'idaci_score', 4);
    d = addIndicator(d, 'employment_score');
    d = setMethod(d, 'normalisation', 'rank');
    d = setSites(d, { teams: 4, standard_minutes: 30 });
    d = setSiteRule(d, 'Ludlow', 'excluded');
    const names: Record<string, string> = { idaci_score: 'IDACI', employment_score: 'employment' };
    expect(describeChanges(base, d, (k) => names[k] ?? k)).toEqual([
      'added employment',
      'weights: IDACI 3 → 4',
      'normalisation zscore → rank',
      'teams 5 → 4',
      'service standard 20 → 30 minutes',
      'excluded Ludlow',
    ]);
  });
  it('notices a site no longer fixed and a new name', () => {
    const d = { ...setSiteRule(base, 'Oswestry', 'free'), name: 'Four teams' };
    expect(describeChanges(base, d)).toEqual(['no longer fixed: Oswestry', 'renamed to “Four teams”']);
  });
});
