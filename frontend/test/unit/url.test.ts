import { describe, expect, it } from 'vitest';
import { defaults, parse, serialise, splitRef, type UrlState } from '../../src/lib/url';

describe('URL state', () => {
  it('is empty for the defaults', () => {
    expect(serialise(defaults)).toBe('');
    expect(parse('')).toEqual(defaults);
  });
  it('round-trips everything a link must reproduce', () => {
    const s: UrlState = {
      view: 'rollout', geography: 'lsoa21', field: 'idaci_score', method: 'jenks', classes: 7,
      scenario: 'shropshire-five-teams@2', a: 'shropshire-five-teams', b: 'shropshire-five-teams-30min@1',
      area: 'E01028826', colour: 'catchment', phase: 3, map: { zoom: 9.25, lat: 52.6523, lon: -2.7342 },
    };
    const q = serialise(s);
    expect(q).toContain('scenario=shropshire-five-teams@2');
    expect(q).toContain('map=9.25/52.6523/-2.7342');
    expect(parse(q)).toEqual(s);
  });
  it('ignores what it cannot trust', () => {
    const s = parse('?view=admin&method=magic&classes=99&map=100/1/1&area=<script>&scenario=' + 'x'.repeat(200) + '&phase=-1');
    expect(s.view).toBe('explore');
    expect(s.method).toBe('quantile');
    expect(s.classes).toBe(5);
    expect(s.map).toBeNull();
    expect(s.area).toBeNull();
    expect(s.scenario).toBeNull();
    expect(s.phase).toBeNull();
  });
  it('splits a scenario reference', () => {
    expect(splitRef('shropshire-five-teams@3')).toEqual({ id: 'shropshire-five-teams', revision: 3 });
    expect(splitRef('oxfordshire-hubs')).toEqual({ id: 'oxfordshire-hubs', revision: null });
  });
});
