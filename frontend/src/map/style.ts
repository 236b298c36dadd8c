// The map's style: an offline basemap drawn from placeplan's own vector
// tiles (district and locality outlines, place labels in the system's
// fonts, no glyph or sprite server), the small areas coloured through
// feature-state, and the candidate sites. Pure functions, unit-tested.

import type { ExpressionSpecification, FilterSpecification, LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';

import inkColours from './ink.json';

/**
 * Colours of the map's furniture, chosen for contrast (see
 * test/unit/style.test.ts): text is GOV.UK's text colour, background its
 * light grey beyond the loaded areas, an area with no value (or one
 * withheld) is left white (noData) with a grey outline (noDataLine) so it
 * reads as "no colour", not as a class, and focus is GOV.UK's focus
 * yellow over a black casing. They live in ink.json because the server's
 * MapLibre style for other clients (GET /tiles/style.json) draws with them
 * too.
 */
export const ink: Readonly<{ text: string; halo: string; background: string; noData: string; noDataLine: string; focus: string }> = inkColours;

/** Tile layers of the basemap and their zoom ranges. */
export const AREAS_MIN_ZOOM = 6;
export const TILE_MAX_ZOOM = 14;

/** The area properties the map needs from the tiles; values arrive as feature-state. */
export const AREA_FIELDS = ['area_count', 'code', 'lad_name', 'name'] as const; // sorted, as the server keys its cache

export interface StyleOptions {
  origin: string; // e.g. http://127.0.0.1:8080: MapLibre needs absolute tile URLs
  geography: string;
  bounds?: [number, number, number, number];
  /** with a basemap style from the deployment, our background and labels are left out */
  overlayOnly?: boolean;
}

const tiles = (o: StyleOptions, layer: string, params: Record<string, string>): string => {
  const q = new URLSearchParams({ geography: o.geography, ...params }).toString().replace(/%2C/g, ',');
  return `${o.origin}/tiles/${layer}/{z}/{x}/{y}.mvt?${q}`;
};

/** sources returns the vector and GeoJSON sources of placeplan's layers. */
export function sources(o: StyleOptions): Record<string, SourceSpecification> {
  const vector = (layer: string, minzoom: number, params: Record<string, string> = {}): SourceSpecification => ({
    type: 'vector',
    tiles: [tiles(o, layer, params)],
    minzoom,
    maxzoom: TILE_MAX_ZOOM,
    ...(o.bounds ? { bounds: o.bounds } : {}),
  });
  return {
    areas: { ...vector('areas', AREAS_MIN_ZOOM, { fields: AREA_FIELDS.join(',') }), promoteId: 'code' } as SourceSpecification,
    districts: vector('districts', 4),
    localities: vector('localities', 0),
    labels: vector('labels', 4),
    candidates: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
  };
}

/**
 * fillColour is the areas' fill: each feature-state class index c picks a
 * colour; an area without a class is left white.
 */
export function fillColour(colours: readonly string[]): ExpressionSpecification | string {
  if (!colours.length) return ink.noData;
  const cases: (number | string)[] = [];
  colours.forEach((c, i) => cases.push(i, c));
  return ['match', ['coalesce', ['feature-state', 'c'], -1], ...cases, ink.noData] as unknown as ExpressionSpecification;
}

const fs = (key: string): ExpressionSpecification => ['boolean', ['feature-state', key], false];

/** layers returns the map's layers, bottom first. */
export function layers(o: StyleOptions, colours: readonly string[] = []): LayerSpecification[] {
  const font = ['Noto Sans Regular', 'DejaVu Sans', 'Liberation Sans', 'sans-serif'];
  const out: LayerSpecification[] = [];
  if (!o.overlayOnly) out.push({ id: 'background', type: 'background', paint: { 'background-color': ink.background } });
  out.push(
    {
      id: 'areas-fill', type: 'fill', source: 'areas', 'source-layer': 'areas',
      paint: { 'fill-color': fillColour(colours) as ExpressionSpecification, 'fill-opacity': o.overlayOnly ? 0.8 : 1, 'fill-antialias': false },
    },
    {
      // hairlines between small areas, fading in as they grow apart
      id: 'areas-line', type: 'line', source: 'areas', 'source-layer': 'areas',
      paint: {
        'line-color': ['case', ['==', ['coalesce', ['feature-state', 'c'], -1], -1], ink.noDataLine, ink.halo],
        'line-width': ['interpolate', ['linear'], ['zoom'], 7, 0.15, 10, 0.6, 14, 1.2],
        'line-opacity': 0.8,
      },
    },
    {
      id: 'localities-casing', type: 'line', source: 'localities', 'source-layer': 'localities',
      paint: { 'line-color': ink.halo, 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 2.5, 12, 5] },
    },
    {
      id: 'localities-line', type: 'line', source: 'localities', 'source-layer': 'localities',
      paint: {
        'line-color': ink.text, 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 0.8, 12, 2],
        'line-dasharray': [3, 1.5],
      },
    },
    {
      id: 'districts-casing', type: 'line', source: 'districts', 'source-layer': 'districts',
      paint: { 'line-color': ink.halo, 'line-width': ['interpolate', ['linear'], ['zoom'], 5, 3, 12, 6] },
    },
    {
      id: 'districts-line', type: 'line', source: 'districts', 'source-layer': 'districts',
      paint: { 'line-color': ink.text, 'line-width': ['interpolate', ['linear'], ['zoom'], 5, 1.2, 12, 2.5] },
    },
    {
      // the hovered area: a black outline (width 0 elsewhere, which draws
      // nothing, where opacity 0 would still fill every pixel of the line)
      id: 'areas-hover', type: 'line', source: 'areas', 'source-layer': 'areas',
      paint: { 'line-color': ink.text, 'line-width': ['case', fs('hover'), 2.5, 0] },
    },
    {
      // the selected area: yellow over a black casing, visible on any class colour
      id: 'areas-selected-casing', type: 'line', source: 'areas', 'source-layer': 'areas',
      paint: { 'line-color': ink.text, 'line-width': ['case', fs('selected'), 6, 0] },
    },
    {
      id: 'areas-selected', type: 'line', source: 'areas', 'source-layer': 'areas',
      paint: { 'line-color': ink.focus, 'line-width': ['case', fs('selected'), 3, 0] },
    },
    {
      // candidate sites: chosen ones large and black, others small and white, excluded grey
      id: 'candidates', type: 'circle', source: 'candidates',
      paint: {
        'circle-radius': ['case', ['get', 'selected'], 8, 5],
        'circle-color': ['case', ['get', 'excluded'], '#b1b4b6', ['get', 'selected'], ink.text, ink.halo],
        'circle-stroke-color': ['case', ['get', 'selected'], ink.halo, ink.text],
        'circle-stroke-width': ['case', ['get', 'fixed'], 4, 2],
      },
    },
    {
      id: 'candidates-fixed', type: 'circle', source: 'candidates', filter: ['get', 'fixed'],
      paint: { 'circle-radius': 12, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': ink.text, 'circle-stroke-width': 2 },
    },
    {
      id: 'labels', type: 'symbol', source: 'labels', 'source-layer': 'labels',
      layout: {
        'text-field': ['get', 'name'],
        'text-font': font,
        'text-size': ['interpolate', ['linear'], ['zoom'],
          6, ['match', ['get', 'kind'], 'district', 12, 11],
          10, ['match', ['get', 'kind'], 'district', 16, 'locality', 14, 13]],
        'symbol-sort-key': ['coalesce', ['get', 'rank'], 9],
        // a label that would collide tries the other sides of its point
        'text-variable-anchor': ['center', 'top', 'bottom', 'left', 'right'],
        'text-radial-offset': 0.6,
        'text-padding': 2,
        'text-max-width': 8,
      },
      paint: { 'text-color': ink.text, 'text-halo-color': ink.halo, 'text-halo-width': 2 },
      filter: labelFilter(false),
    },
    {
      id: 'candidates-label', type: 'symbol', source: 'candidates', minzoom: 8,
      layout: {
        'text-field': ['case', ['get', 'excluded'], ['concat', ['get', 'id'], ' (excluded)'], ['get', 'id']],
        'text-font': font, 'text-size': 12, 'text-offset': [0, 1.3], 'text-anchor': 'top', 'text-optional': true,
      },
      paint: { 'text-color': ink.text, 'text-halo-color': ink.halo, 'text-halo-width': 2 },
    },
  );
  // Over a deployment's basemap, its labels (in its own fonts) stand for ours.
  return o.overlayOnly ? out.filter((l) => l.type !== 'symbol') : out;
}

/**
 * labelFilter chooses the place labels: districts always; localities from
 * zoom 8 and towns from zoom 9, unless candidate sites are drawn, which
 * name those places themselves.
 */
export function labelFilter(sitesShown: boolean): FilterSpecification {
  const district: FilterSpecification = ['==', ['get', 'kind'], 'district'];
  if (sitesShown) return district;
  return ['any', district,
    ['all', ['==', ['get', 'kind'], 'locality'], ['>=', ['zoom'], 8]],
    ['all', ['==', ['get', 'kind'], 'town'], ['>=', ['zoom'], 9]]];
}

/** style returns a complete offline style: no glyphs, no sprite, no external source. */
export function style(o: StyleOptions, colours: readonly string[] = []): StyleSpecification {
  return { version: 8, name: 'placeplan', sources: sources(o), layers: layers(o, colours) };
}

/**
 * firstStyle is style without its labels, which MapLibre draws glyph by
 * glyph from the system's fonts: the map of need paints first, and
 * labelLayers are added once it has (MapController).
 */
export function firstStyle(o: StyleOptions, colours: readonly string[] = []): StyleSpecification {
  const s = style(o, colours);
  return { ...s, layers: s.layers.filter((l) => l.type !== 'symbol') };
}

/** labelLayers are the style's text layers, in order, to add over firstStyle. */
export function labelLayers(o: StyleOptions): LayerSpecification[] {
  return layers(o).filter((l) => l.type === 'symbol');
}

