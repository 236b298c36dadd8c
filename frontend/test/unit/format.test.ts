import { describe, expect, it } from 'vitest';
import { dateTime, listOf, longDate, number, ordinal, plural, share, value } from '../../src/lib/format';

describe('longDate', () => {
  it.each([
    ['2027-04-01', '1 April 2027'],
    ['2026-10-01', '1 October 2026'],
    ['2028-12-31T00:00:00Z', '31 December 2028'],
    ['', ''],
    ['soon', 'soon'],
    ['2027-13-01', '2027-13-01'],
  ])('%s → %s', (iso, want) => expect(longDate(iso)).toBe(want));
});

describe('numbers', () => {
  it('groups thousands the British way', () => expect(number(29180.94)).toBe('29,181'));
  it('keeps decimals when asked', () => expect(number(0.4431, 2)).toBe('0.44'));
  it('shows a missing number as an en dash', () => {
    expect(number(null)).toBe('–');
    expect(number(Number.NaN)).toBe('–');
    expect(value(undefined)).toBe('–');
  });
  it.each([[12345.6, '12,346'], [123.45, '123.5'], [12.345, '12.35'], [0.12345, '0.123'], [0, '0'], [-3.2, '-3.2']])(
    'value(%s) = %s', (v, want) => expect(value(v)).toBe(want));
  it('shares are percentages with a space', () => {
    expect(share(0.138)).toBe('14 %');
    expect(share(0.1383, 1)).toBe('13.8 %');
  });
});

describe('words', () => {
  it.each([[1, '1st'], [2, '2nd'], [3, '3rd'], [4, '4th'], [11, '11th'], [12, '12th'], [13, '13th'], [21, '21st'], [102, '102nd'], [111, '111th']])(
    'ordinal(%i) = %s', (n, want) => expect(ordinal(n)).toBe(want));
  it('plural', () => {
    expect(plural(1, 'area')).toBe('1 area');
    expect(plural(708, 'area')).toBe('708 areas');
    expect(plural(2, 'locality', 'localities')).toBe('2 localities');
  });
  it('listOf', () => {
    expect(listOf([])).toBe('');
    expect(listOf(['Ludlow'])).toBe('Ludlow');
    expect(listOf(['Ludlow', 'Wem'])).toBe('Ludlow and Wem');
    expect(listOf(['Ludlow', 'Wem', 'Oswestry'])).toBe('Ludlow, Wem and Oswestry');
  });
  it('dateTime reads RFC 3339 in local time', () => {
    const s = dateTime('2026-12-02T18:04:22Z');
    expect(s).toMatch(/^\d{1,2} December 2026, \d{2}:\d{2}$/);
    expect(dateTime('nonsense')).toBe('nonsense');
  });
});

import { attributionLines } from '../../src/lib/attribution';

describe('attributionLines', () => {
  it('keeps every sentence once, in order', () => {
    expect(attributionLines([
      'Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and database right 2021.',
      'Contains OS data © Crown copyright and database right 2021. Source: Office for National Statistics licensed under the Open Government Licence v.3.0.',
      'MSOA names © House of Commons Library, Open Parliament Licence.',
      '',
    ])).toEqual([
      'Source: Office for National Statistics licensed under the Open Government Licence v.3.0.',
      'Contains OS data © Crown copyright and database right 2021.',
      'MSOA names © House of Commons Library, Open Parliament Licence.',
    ]);
  });
});
