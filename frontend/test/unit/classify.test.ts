import { describe, expect, it } from 'vitest';
import { classLabels, classOf } from '../../src/lib/classify';

// Breaks as scoring/classify writes them: the minimum, then each class's inclusive upper bound.
const breaks = [1.2, 10, 20, 30.5];

describe('classOf', () => {
  it.each([
    [1.2, 0], [5, 0], [10, 0], // upper bounds are inclusive
    [10.0001, 1], [20, 1],
    [20.5, 2], [30.5, 2],
    [0, 0], // below the minimum: the first class
    [99, 2], // above the last bound: the last class
  ])('%s is in class %i', (v, want) => expect(classOf(v, breaks)).toBe(want));
  it('gives no class to a missing value', () => {
    expect(classOf(null, breaks)).toBeNull();
    expect(classOf(undefined, breaks)).toBeNull();
    expect(classOf(Number.NaN, breaks)).toBeNull();
  });
  it('gives no class without at least one class', () => {
    expect(classOf(3, [3])).toBeNull();
    expect(classOf(3, [])).toBeNull();
  });
});

describe('classLabels', () => {
  it('labels each class with its range', () => {
    expect(classLabels(breaks, (v) => v.toFixed(1))).toEqual(['1.2 to 10.0', '10.0 to 20.0', '20.0 to 30.5']);
  });
});
