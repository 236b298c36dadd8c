// MapController owns one MapLibre map: its offline style, the areas'
// colours (feature-state keyed by area code, so that recolouring after a
// weight change needs no new tiles), hover and selection, the candidate
// sites, and keyboard use: arrow keys pan, + and − zoom, Enter opens the
// area under the centre cross, and moves are announced.

import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { FeatureCollection, Point } from 'geojson';
import { fillColour, firstStyle, labelFilter, labelLayers, sources, style, type StyleOptions } from './style';
import type { PlanCandidate } from '../types';

maplibregl.setWorkerUrl(workerUrl);

/** prewarm starts the map's web workers before the first map is made. */
export function prewarm(): void {
  maplibregl.prewarm();
}

/** Colouring says which class each area is in and how to describe it. */
export interface Colouring {
  colours: readonly string[];
  classOf: ReadonlyMap<string, number>;
  /** describe says in words what an area shows, e.g. "IMD score 31.2: class 4 of 5". */
  describe: (code: string) => string;
}

export interface AreaRef { code: string; name: string; district: string }

export interface ControllerOptions {
  container: HTMLElement;
  origin: string;
  geography: string;
  bounds?: [number, number, number, number];
  basemapStyle?: string | null;
  position?: { zoom: number; lat: number; lon: number } | null;
  label: string; // the map's accessible name
  helpId: string; // id of the element that explains the keys
  attribution: string[];
  onMove?: (p: { zoom: number; lat: number; lon: number }) => void;
  onSelect?: (area: AreaRef, how: 'pointer' | 'keyboard') => void;
  /** onUnauthorized is told when a tile answers 401: the session has ended. */
  onUnauthorized?: () => void;
  onCandidate?: (id: string) => void;
  onAnnounce?: (text: string) => void;
  onIdle?: () => void;
}

const SOURCE = { source: 'areas', sourceLayer: 'areas' } as const;

/** refitMs is how soon after a fit a change of the map's size fits again (MapController.fit). */
const refitMs = 3000;

/** fitPadding keeps what the map is fitted to clear of the legend at its bottom left, where the map is wide enough. */
function fitPadding(container: HTMLElement): maplibregl.PaddingOptions {
  // The legend sits bottom left: beside what is fitted on a wide map, and
  // under it on a narrow one (two maps side by side), where it takes up to
  // the lower 45 % (the whole legend at 1280×720).
  const wide = container.clientWidth > 640;
  return { top: 32, right: 56, bottom: wide ? 32 : Math.min(320, Math.round(container.clientHeight * 0.45)), left: wide ? 320 : 32 };
}

export class MapController {
  readonly map: maplibregl.Map;
  private opts: ControllerOptions;
  private styleOpts: StyleOptions;
  private colouring: Colouring | null = null;
  private applied = new Set<string>(); // codes holding a class state
  private hovered: string | null = null;
  private selected: string | null = null;
  private ready: Promise<void>;
  private tooltip: HTMLDivElement;
  private cross: HTMLDivElement;
  private dismissed = false;
  private announceTimer: ReturnType<typeof setTimeout> | null = null;
  private syncing = false;
  /**
   * the last fit, made again when the map's size changes soon after it
   * (a second map opening beside this one), until the map is moved by hand
   */
  private lastFit: { bbox: [number, number, number, number]; maxZoom: number; at: number; w: number; h: number } | null = null;

  constructor(o: ControllerOptions) {
    this.opts = o;
    this.styleOpts = { origin: o.origin, geography: o.geography, bounds: o.bounds, overlayOnly: Boolean(o.basemapStyle) };
    const pos = o.position;
    this.map = new maplibregl.Map({
      container: o.container,
      style: o.basemapStyle || firstStyle(this.styleOpts),
      ...(pos ? { center: [pos.lon, pos.lat], zoom: pos.zoom } : o.bounds ? { bounds: o.bounds, fitBoundsOptions: { padding: fitPadding(o.container) } } : {}),
      minZoom: 5,
      maxZoom: 16,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      attributionControl: false,
      keyboard: true,
      fadeDuration: 0,
      cancelPendingTileRequestsWhileZooming: true,
    });
    // A move someone makes (with an originalEvent: a drag, a wheel, a key)
    // ends the hold of the last fit.
    this.map.on('movestart', (e) => { if ((e as { originalEvent?: Event }).originalEvent) this.lastFit = null; });
    this.map.keyboard.disableRotation();
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
    this.map.addControl(new maplibregl.AttributionControl({ compact: true, customAttribution: o.attribution }), 'bottom-right');

    const canvas = this.map.getCanvas();
    canvas.setAttribute('role', 'application');
    canvas.setAttribute('aria-roledescription', 'interactive map');
    canvas.setAttribute('aria-label', o.label);
    canvas.setAttribute('aria-describedby', o.helpId);

    this.tooltip = document.createElement('div');
    this.tooltip.className = 'map-tooltip';
    this.tooltip.setAttribute('role', 'tooltip');
    this.tooltip.hidden = true;
    this.cross = document.createElement('div');
    this.cross.className = 'map-cross';
    this.cross.setAttribute('aria-hidden', 'true');
    this.cross.hidden = true;
    this.map.getContainer().append(this.tooltip, this.cross);

    // A listener replaces MapLibre's own report of errors (console.error),
    // so everything but a 401 is still reported so.
    this.map.on('error', (e) => {
      if ((e.error as { status?: number } | undefined)?.status === 401 && o.onUnauthorized) o.onUnauthorized();
      else console.error(e.error);
    });
    this.ready = new Promise((resolve) => this.map.once('load', () => resolve()));
    this.map.once('load', () => setTimeout(() => this.addLabels(true), 2000));
    // The attribution starts folded (MapLibre opens it on wide maps), so it
    // does not cover the map; the (i) button unfolds it.
    this.map.once('load', () => {
      const attrib = this.map.getContainer().querySelector('.maplibregl-ctrl-attrib');
      attrib?.classList.remove('maplibregl-compact-show');
      attrib?.removeAttribute('open');
    });
    if (o.basemapStyle) {
      this.ready = this.ready.then(() => this.addOverlay());
    }
    this.wire();
  }

  /** whenReady resolves once the style has loaded. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  private labelled = false;

  /**
   * addLabels adds the place and site labels once the map has first
   * painted its areas in colour (or after two seconds), so that drawing
   * their glyphs does not hold up the map of need. Over a deployment's
   * basemap there are none to add (its own labels stand).
   */
  private addLabels(force = false): void {
    if (this.labelled || this.opts.basemapStyle || (!force && !this.colouring)) return;
    this.labelled = true;
    this.map.getContainer().dataset.labels = 'added'; // read by the benchmarks
    this.map.getContainer().dataset.idle = 'false'; // until they are drawn
    for (const l of labelLayers(this.styleOpts)) {
      if (!this.map.getLayer(l.id)) this.map.addLayer(l);
    }
    const cands = this.map.getSource('candidates') as maplibregl.GeoJSONSource | undefined;
    const shown = (cands?.serialize() as { data?: { features?: unknown[] } } | undefined)?.data?.features?.length ?? 0;
    this.map.setFilter('labels', labelFilter(shown > 0));
  }

  private addOverlay(): void {
    const ours = style(this.styleOpts, this.colouring?.colours ?? []);
    for (const [id, s] of Object.entries(ours.sources)) this.map.addSource(id, s);
    for (const l of ours.layers) this.map.addLayer(l);
  }

  private wire(): void {
    const m = this.map;
    m.on('mousemove', 'areas-fill', (e) => {
      const f = e.features?.[0];
      const code = f ? String(f.id ?? f.properties?.code ?? '') : '';
      if (!code) return;
      if (code !== this.hovered) this.dismissed = false;
      this.setHover(code);
      if (this.dismissed) return;
      this.showTooltip(e.point, this.describeFeature(code, f?.properties ?? {}));
    });
    m.on('mouseleave', 'areas-fill', () => {
      this.setHover(null);
      this.tooltip.hidden = true;
    });
    m.on('click', 'candidates', (e) => {
      const id = e.features?.[0]?.properties?.id;
      if (id && this.opts.onCandidate) {
        this.opts.onCandidate(String(id));
        e.preventDefault();
      }
    });
    m.on('click', 'areas-fill', (e) => {
      if (e.defaultPrevented) return;
      const f = e.features?.[0];
      if (f) this.opts.onSelect?.(this.areaOf(f), 'pointer');
    });
    m.on('mouseenter', 'candidates', () => { m.getCanvas().style.cursor = 'pointer'; });
    m.on('mouseleave', 'candidates', () => { m.getCanvas().style.cursor = ''; });
    m.on('moveend', () => {
      const c = m.getCenter();
      this.opts.onMove?.({ zoom: m.getZoom(), lat: c.lat, lon: c.lng });
      if (document.activeElement === m.getCanvas()) this.announceCentre();
    });
    m.on('idle', () => {
      this.addLabels();
      this.opts.onIdle?.();
    });
    // Tiles arriving after a colouring was applied pick up its feature-state
    // automatically; nothing to do on data events.

    const canvas = m.getCanvas();
    canvas.addEventListener('focus', () => {
      this.cross.hidden = false;
      this.announceCentre();
    });
    canvas.addEventListener('blur', () => { this.cross.hidden = true; });
    canvas.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        const f = this.featureAtCentre();
        if (f) {
          e.preventDefault();
          this.opts.onSelect?.(this.areaOf(f), 'keyboard');
        }
      }
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !this.tooltip.hidden) {
        this.tooltip.hidden = true;
        this.dismissed = true;
      }
    });
  }

  private areaOf(f: maplibregl.MapGeoJSONFeature): AreaRef {
    const p = f.properties ?? {};
    return { code: String(f.id ?? p.code), name: String(p.name ?? p.code ?? ''), district: String(p.lad_name ?? '') };
  }

  private describeFeature(code: string, p: Record<string, unknown>): { title: string; detail: string } {
    const name = String(p.name ?? code);
    const district = p.lad_name ? `, ${p.lad_name}` : '';
    const merged = Number(p.area_count ?? 1);
    const more = merged > 1 ? ` (drawn with ${merged - 1} small areas next to it at this zoom: zoom in to see each)` : '';
    return { title: `${name}${district}${more}`, detail: this.colouring?.describe(code) ?? '' };
  }

  private showTooltip(pt: maplibregl.Point, t: { title: string; detail: string }): void {
    this.tooltip.replaceChildren();
    const b = document.createElement('strong');
    b.textContent = t.title;
    this.tooltip.append(b);
    if (t.detail) {
      const d = document.createElement('span');
      d.textContent = t.detail;
      this.tooltip.append(d);
    }
    const { clientWidth: w, clientHeight: h } = this.map.getContainer();
    const x = Math.min(pt.x + 14, w - 280);
    const y = pt.y + 14 > h - 80 ? pt.y - 70 : pt.y + 14;
    this.tooltip.style.transform = `translate(${Math.max(4, x)}px, ${Math.max(4, y)}px)`;
    this.tooltip.hidden = false;
  }

  private featureAtCentre(): maplibregl.MapGeoJSONFeature | undefined {
    const c = this.map.project(this.map.getCenter());
    return this.map.queryRenderedFeatures(c, { layers: ['areas-fill'] })[0];
  }

  /** announceCentre says, once the map settles, which area is under the centre cross. */
  announceCentre(): void {
    if (this.announceTimer) clearTimeout(this.announceTimer);
    this.announceTimer = setTimeout(() => {
      const f = this.featureAtCentre();
      const zoom = `zoom level ${Math.round(this.map.getZoom())}`;
      if (!f) {
        this.opts.onAnnounce?.(`No small area at the centre of the map; ${zoom}.`);
        return;
      }
      const a = this.areaOf(f);
      const what = this.colouring?.describe(a.code);
      this.opts.onAnnounce?.(`Centre of map: ${a.name}${a.district ? `, ${a.district}` : ''}${what ? `. ${what}` : ''}; ${zoom}. Press Enter to open it.`);
    }, 350);
  }

  private setHover(code: string | null): void {
    if (code === this.hovered) return;
    if (this.hovered) this.map.setFeatureState({ ...SOURCE, id: this.hovered }, { hover: false });
    this.hovered = code;
    if (code) this.map.setFeatureState({ ...SOURCE, id: code }, { hover: true });
    this.map.getCanvas().style.cursor = code ? 'pointer' : '';
  }

  /** setColouring colours every area by its class; areas without one are left white. */
  async setColouring(c: Colouring | null): Promise<void> {
    await this.ready;
    this.colouring = c;
    const next = c?.classOf ?? new Map<string, number>();
    for (const code of this.applied) {
      if (!next.has(code)) this.map.setFeatureState({ ...SOURCE, id: code }, { c: null });
    }
    for (const [code, k] of next) this.map.setFeatureState({ ...SOURCE, id: code }, { c: k });
    this.applied = new Set(next.keys());
    this.map.setPaintProperty('areas-fill', 'fill-color', fillColour(c?.colours ?? []));
  }

  /** setSelected outlines one area (null: none). */
  async setSelected(code: string | null): Promise<void> {
    await this.ready;
    if (this.selected) this.map.setFeatureState({ ...SOURCE, id: this.selected }, { selected: false });
    this.selected = code;
    if (code) this.map.setFeatureState({ ...SOURCE, id: code }, { selected: true });
  }

  /** setCandidates draws the candidate sites (chosen, fixed, excluded). */
  async setCandidates(cands: readonly PlanCandidate[] | null): Promise<void> {
    await this.ready;
    const fc: FeatureCollection<Point> = {
      type: 'FeatureCollection',
      features: (cands ?? []).map((c) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [c.lon, c.lat] },
        properties: { id: c.id, selected: c.selected, fixed: c.fixed, excluded: c.excluded, locality: c.locality },
      })),
    };
    (this.map.getSource('candidates') as maplibregl.GeoJSONSource | undefined)?.setData(fc);
    // With sites on the map, they name the places: only districts keep a label.
    if (this.map.getLayer('labels')) this.map.setFilter('labels', labelFilter(fc.features.length > 0));
  }

  /** setGeography switches the small areas (and outlines) to another vintage's tiles. */
  async setGeography(geography: string): Promise<void> {
    if (geography === this.styleOpts.geography) return;
    await this.ready;
    this.styleOpts = { ...this.styleOpts, geography };
    this.applied.clear();
    this.hovered = null;
    this.selected = null;
    const srcs = sources(this.styleOpts);
    for (const id of ['areas', 'districts', 'localities', 'labels'] as const) {
      const s = this.map.getSource(id) as maplibregl.VectorTileSource | undefined;
      const spec = srcs[id] as { tiles: string[] };
      s?.setTiles(spec.tiles);
    }
  }

  /**
   * fit moves the map to show a bounding box [w, s, e, n], clear of the
   * legend. A change of size within refitMs of it (a second map opening
   * beside this one) fits the box again to the new size, where keeping the
   * centre would leave it off to one side — unless someone has moved the
   * map since. A map hidden and shown again keeps its view.
   */
  fit(bbox: [number, number, number, number], maxZoom = 13): void {
    const el = this.map.getContainer();
    this.lastFit = { bbox, maxZoom, at: performance.now(), w: el.clientWidth, h: el.clientHeight };
    this.map.fitBounds(bbox, { padding: fitPadding(this.map.getContainer()), maxZoom, duration: 600 });
  }

  /** areasInView lists the areas drawn in the current view, by name. */
  areasInView(): AreaRef[] {
    const seen = new Map<string, AreaRef>();
    for (const f of this.map.queryRenderedFeatures({ layers: ['areas-fill'] })) {
      const a = this.areaOf(f);
      if (!seen.has(a.code)) seen.set(a.code, a);
    }
    return [...seen.values()].sort((x, y) => x.name.localeCompare(y.name, 'en-GB', { numeric: true }));
  }

  /** syncWith keeps this map's view and other's in step (for side-by-side comparison). */
  syncWith(other: MapController): () => void {
    const follow = (from: MapController, to: MapController) => () => {
      if (from.syncing) return;
      to.syncing = true;
      to.map.jumpTo({ center: from.map.getCenter(), zoom: from.map.getZoom() });
      to.syncing = false;
    };
    const a = follow(this, other), b = follow(other, this);
    this.map.on('move', a);
    other.map.on('move', b);
    return () => {
      this.map.off('move', a);
      other.map.off('move', b);
    };
  }

  resize(): void {
    this.map.resize();
    const f = this.lastFit;
    const el = this.map.getContainer();
    const [w, h] = [el.clientWidth, el.clientHeight];
    if (!f || w === 0 || h === 0 || (w === f.w && h === f.h)) return;
    if (performance.now() - f.at > refitMs) {
      this.lastFit = null;
      return;
    }
    f.w = w;
    f.h = h;
    this.map.fitBounds(f.bbox, { padding: fitPadding(el), maxZoom: f.maxZoom, duration: 0 });
  }

  destroy(): void {
    if (this.announceTimer) clearTimeout(this.announceTimer);
    this.labelled = true; // a pending addLabels finds nothing to do
    this.map.remove();
  }
}
