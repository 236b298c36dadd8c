import { describe, expect, it } from 'vitest';
import { categorical, graduated, sequential } from '../../src/map/colouring';
import { contrast } from '../../src/lib/contrast';
import type { Breaks } from '../../src/types';

const breaks = (direction: string): Breaks => ({
  field: 'imd_score', name: 'Multiple deprivation (IMD)', unit: 'score', direction, method: 'quantile', method_label: 'quantiles',
  classes: 3, breaks: [1, 10, 20, 40], counts: [2, 1, 1], n: 4, suppressed: 1,
  colors: ['#fee5d9', '#fb6a4a', '#a50f15'], palette: 'Reds', colorblind_safe: true, notes: null,
});

describe('graduated', () => {
  const values = new Map([['A', 3], ['B', 10], ['C', 15], ['D', 40]]);
  it('puts each area in its class and lists the most need first', () => {
    const l = graduated(values, breaks('higher_is_worse'), { title: 'IMD', withheld: ['E'] });
    expect([...l.colouring.classOf]).toEqual([['A', 0], ['B', 0], ['C', 1], ['D', 2]]);
    expect(l.legend.items.map((i) => i.colour)).toEqual(['#a50f15', '#fb6a4a', '#fee5d9']);
    expect(l.legend.items.map((i) => i.count)).toEqual([1, 1, 2]);
    expect(l.legend.noData).toContain('withheld');
    expect(l.colouring.describe('D')).toBe('Multiple deprivation (IMD): 40 (class 1 of 3, most need)');
    expect(l.colouring.describe('A')).toBe('Multiple deprivation (IMD): 3 (class 3 of 3, least need)');
    expect(l.colouring.describe('E')).toContain('withheld');
    expect(l.rows.find((r) => r.code === 'E')?.value).toBeNull();
  });
  it('when higher is better, low values are the most need', () => {
    const l = graduated(values, breaks('higher_is_better'), { title: 'IMD rank' });
    expect(l.legend.items[0].label).toBe('1 to 10');
    expect(l.colouring.describe('A')).toContain('class 1 of 3, most need');
  });
});

describe('categorical', () => {
  it('colours areas by category, in order, leaving the rest white', () => {
    const cats = new Map([['A', 'Oswestry'], ['B', 'Ludlow'], ['C', 'Nowhere']]);
    const l = categorical(cats, ['Oswestry', 'Ludlow'], { title: 'Catchments', noData: 'Not reached', valueLabel: 'Served by' });
    expect([...l.colouring.classOf]).toEqual([['A', 0], ['B', 1]]);
    expect(l.legend.items.map((i) => [i.label, i.count])).toEqual([['Oswestry', 1], ['Ludlow', 1]]);
    expect(l.colouring.describe('B')).toBe('Served by: Ludlow');
    expect(l.colouring.describe('Z')).toBe('Not reached');
  });
});

describe('sequential', () => {
  it('spans viridis from dark to light', () => {
    expect(sequential(0)).toEqual([]);
    expect(sequential(1)).toEqual(['#440154']);
    const five = sequential(5);
    expect(five[0]).toBe('#440154');
    expect(five[4]).toBe('#fde725');
    expect(new Set(five).size).toBe(5);
    // the first and last phases are told apart at a glance
    expect(contrast(five[0], five[4])).toBeGreaterThan(7);
  });
});

import { needDetail } from '../../src/map/colouring';

describe('needDetail', () => {
  it('gives an area’s rank and its locality’s', () => {
    const d = needDetail([
      { code: 'A', need_score: 1, need_rank: 1, need_share: 1, locality: 'Oswestry', locality_need_rank: 3 },
      { code: 'B', need_score: 0, need_rank: 2, need_share: 0, locality: null as unknown as string, locality_need_rank: null },
    ]);
    expect(d('A')).toBe('ranked 1 of 2 by need, in Oswestry (locality ranked 3)');
    expect(d('B')).toBe('ranked 2 of 2 by need');
    expect(d('Z')).toBe('');
  });
});
