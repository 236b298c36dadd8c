import { describe, expect, it } from 'vitest';
import { fileName, toCSV } from '../../src/lib/csv';

describe('toCSV', () => {
  it('writes a header and rows with CRLF', () => {
    expect(toCSV(['a', 'b'], [[1, 'x'], [2.5, null]])).toBe('a,b\r\n1,x\r\n2.5,\r\n');
  });
  it('quotes commas, quotes and line breaks', () => {
    expect(toCSV(['name'], [['Bishop\'s Castle, Brockton & Chirbury'], ['say "hi"'], ['two\nlines']]))
      .toBe('name\r\n"Bishop\'s Castle, Brockton & Chirbury"\r\n"say ""hi"""\r\n"two\nlines"\r\n');
  });
  it('defuses text a spreadsheet would run as a formula, but not negative numbers', () => {
    expect(toCSV(['v'], [['=HYPERLINK("http://x")'], ['+1'], ['-2'], ['@SUM(A1)'], [-2]]))
      .toBe('v\r\n"\'=HYPERLINK(""http://x"")"\r\n\'+1\r\n\'-2\r\n\'@SUM(A1)\r\n-2\r\n');
  });
  it('writes booleans and leaves non-finite numbers empty', () => {
    expect(toCSV(['x', 'y'], [[true, Number.POSITIVE_INFINITY]])).toBe('x,y\r\ntrue,\r\n');
  });
});

describe('fileName', () => {
  it.each([
    ['Ranked localities', 'ranked-localities.csv'],
    ['Need score: Shropshire — five teams, by small area', 'need-score-shropshire-five-teams-by-small-area.csv'],
    ['***', 'table.csv'],
  ])('%s → %s', (t, want) => expect(fileName(t)).toBe(want));
});
