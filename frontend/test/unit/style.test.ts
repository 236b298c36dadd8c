import { describe, expect, it } from 'vitest';
import { fillColour, firstStyle, ink, labelFilter, labelLayers, layers, style } from '../../src/map/style';
import { contrast } from '../../src/lib/contrast';
import { qualitative, sequential } from '../../src/map/colouring';

const opts = { origin: 'http://127.0.0.1:8080', geography: 'lsoa11', bounds: [-3.2, 51.4, -0.8, 53] as [number, number, number, number] };

describe('the offline style', () => {
  const s = style(opts, ['#fee5d9', '#a50f15']);
  it('needs no glyph or sprite server', () => {
    expect(s.glyphs).toBeUndefined();
    expect(s.sprite).toBeUndefined();
  });
  it('draws only from this server', () => {
    for (const [id, src] of Object.entries(s.sources)) {
      if (src.type === 'vector') {
        for (const t of src.tiles ?? []) expect(t.startsWith(`${opts.origin}/tiles/${id}/{z}/{x}/{y}.mvt?geography=lsoa11`)).toBe(true);
      }
    }
  });
  it('asks the area tiles only for what it styles with, keyed by code for feature-state', () => {
    const areas = s.sources.areas as { tiles: string[]; promoteId: string };
    expect(areas.promoteId).toBe('code');
    expect(areas.tiles[0]).toContain('fields=area_count,code,lad_name,name');
  });
  it('every layer draws from a source the style has', () => {
    for (const l of s.layers) {
      if ('source' in l) expect(Object.keys(s.sources)).toContain(l.source);
    }
  });
  it('over a deployment’s basemap it leaves out its own background and labels', () => {
    const over = layers({ ...opts, overlayOnly: true });
    expect(over.some((l) => l.type === 'background' || l.type === 'symbol')).toBe(false);
    expect(over.map((l) => l.id)).toContain('areas-fill');
    expect(layers(opts)[0].type).toBe('background');
  });
  it('colours areas by their class, and leaves the rest white', () => {
    expect(fillColour(['#111111', '#222222'])).toEqual(['match', ['coalesce', ['feature-state', 'c'], -1], 0, '#111111', 1, '#222222', ink.noData]);
    expect(fillColour([])).toBe(ink.noData);
  });
});

describe('first paint', () => {
  it('leaves the labels for later, and they are the style’s text layers', () => {
    const first = firstStyle(opts);
    expect(first.layers.some((l) => l.type === 'symbol')).toBe(false);
    const later = labelLayers(opts).map((l) => l.id);
    expect(later).toEqual(['labels', 'candidates-label']);
    expect(first.layers.length + later.length).toBe(style(opts).layers.length);
  });
});

describe('labelFilter', () => {
  it('names districts, localities and towns, but only districts where sites name the places', () => {
    expect(JSON.stringify(labelFilter(false))).toContain('"town"');
    expect(JSON.stringify(labelFilter(false))).toContain('"locality"');
    expect(labelFilter(true)).toEqual(['==', ['get', 'kind'], 'district']);
  });
});

describe('contrast (WCAG 2.2, 1.4.11: 3:1 for graphics)', () => {
  // Every fill the map can draw: graduated palettes the server sends are
  // ColorBrewer/viridis ramps; these are the app's own.
  const fills = [...qualitative, ...sequential(10), ink.noData, ink.background, '#fee5d9', '#a50f15', '#67000d', '#08306b'];
  it('outlines drawn black over white (districts, localities) stand out from every fill', () => {
    for (const f of fills) expect(Math.max(contrast(f, ink.text), contrast(f, ink.halo))).toBeGreaterThanOrEqual(3);
  });
  it('the selected area’s yellow-on-black outline stands out from every fill', () => {
    for (const f of fills) expect(Math.max(contrast(f, ink.focus), contrast(f, ink.text))).toBeGreaterThanOrEqual(3);
  });
  it('black and white are 3:1 apart, so the casing pairs always work', () => {
    expect(contrast(ink.text, ink.halo)).toBeGreaterThan(18);
    expect(contrast(ink.focus, ink.text)).toBeGreaterThanOrEqual(3);
  });
  it('an area with no value is outlined grey, visible on the background and on white', () => {
    expect(contrast(ink.noDataLine, ink.noData)).toBeGreaterThanOrEqual(3);
    expect(contrast(ink.noDataLine, ink.background)).toBeGreaterThanOrEqual(3);
  });
});
