import { describe, expect, it } from 'vitest';
import { contrast, inkOn, luminance } from '../../src/lib/contrast';

describe('contrast', () => {
  it('matches WCAG’s reference values', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrast('#ffffff', '#ffffff')).toBe(1);
    expect(luminance('#ffffff')).toBeCloseTo(1, 10);
  });
  it('is symmetric', () => expect(contrast('#1d70b8', '#f3f2f1')).toBe(contrast('#f3f2f1', '#1d70b8')));
  it('refuses what is not a colour', () => expect(() => luminance('red')).toThrow());
  it('picks readable ink', () => {
    expect(inkOn('#fde725')).toBe('#0b0c0c');
    expect(inkOn('#440154')).toBe('#ffffff');
  });
});
