// placeplan preview: draws the server's layers on a <canvas> with an
// equirectangular projection scaled by cos(latitude), fitted to the data.
// No dependencies and no external URLs.
'use strict';

// Viridis in 10 steps (colour-blind safe, sequential). Decile 1, the most
// deprived 10 % of areas in England, is the darkest.
const PALETTE = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e',
  '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];
const NO_DATA = '#cccccc';
const WANTED = ['imd_decile', 'imd_rank', 'imd_score']; // requested when the layer has them

const $ = (id) => document.getElementById(id);
const canvas = $('map');
const ctx = canvas.getContext('2d');
const state = {
  layers: [], geography: '', hasDecile: false,
  areas: [], localities: [], sites: [], siteLayers: [],
  view: null, hover: null, selected: null,
};

async function getJSON(url) {
  const res = await fetch(url, { headers: { Accept: 'application/json, application/geo+json' } });
  if (!res.ok) {
    let detail = res.statusText;
    try { detail = (await res.json()).detail || detail; } catch (e) { /* not a problem document */ }
    throw new Error(`${url}: ${res.status} ${detail}`);
  }
  return res.json();
}

function setStatus(text, isError) {
  const el = $('status');
  el.textContent = text;
  el.classList.toggle('error', Boolean(isError));
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

// The polygons of a GeoJSON geometry, each an array of rings.
function polygonsOf(g) {
  if (!g) return [];
  if (g.type === 'Polygon') return [g.coordinates];
  if (g.type === 'MultiPolygon') return g.coordinates;
  return [];
}

// fitView returns a projection from [lon, lat] (WGS84) to CSS pixels that
// fits the given points into the canvas.
function fitView(points) {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x, y] of points) {
    if (x < minX) minX = x; if (x > maxX) maxX = x;
    if (y < minY) minY = y; if (y > maxY) maxY = y;
  }
  if (!Number.isFinite(minX)) return null;
  const k = Math.cos(((minY + maxY) / 2) * Math.PI / 180);
  const w = canvas.clientWidth, h = canvas.clientHeight, pad = 20;
  const spanX = Math.max((maxX - minX) * k, 1e-6), spanY = Math.max(maxY - minY, 1e-6);
  const scale = Math.min((w - 2 * pad) / spanX, (h - 2 * pad) / spanY);
  const ox = (w - spanX * scale) / 2, oy = (h - spanY * scale) / 2;
  return ([lon, lat]) => [ox + (lon - minX) * k * scale, oy + (maxY - lat) * scale];
}

function* allPoints() {
  for (const f of state.areas) for (const poly of polygonsOf(f.geometry)) yield* poly[0];
  if (!state.areas.length) for (const s of state.sites) yield s.f.geometry.coordinates;
}

function ringsPath(geometry, project) {
  const path = new Path2D();
  for (const poly of polygonsOf(geometry)) {
    for (const ring of poly) {
      ring.forEach((p, i) => { const [x, y] = project(p); if (i) path.lineTo(x, y); else path.moveTo(x, y); });
      path.closePath();
    }
  }
  return path;
}

// outlinePath draws only the edges a locality's member areas do not share,
// so the undissolved MultiPolygon from the server reads as one outline.
function outlinePath(geometry, project) {
  const count = new Map(), segs = [];
  for (const poly of polygonsOf(geometry)) {
    for (const ring of poly) {
      for (let i = 1; i < ring.length; i++) {
        const a = ring[i - 1].join(','), b = ring[i].join(',');
        const key = a < b ? a + ';' + b : b + ';' + a;
        count.set(key, (count.get(key) || 0) + 1);
        segs.push([key, ring[i - 1], ring[i]]);
      }
    }
  }
  const path = new Path2D();
  for (const [key, p, q] of segs) {
    if (count.get(key) !== 1) continue;
    const [x1, y1] = project(p), [x2, y2] = project(q);
    path.moveTo(x1, y1);
    path.lineTo(x2, y2);
  }
  return path;
}

// project recomputes the view and every screen-space path.
function project() {
  const proj = fitView(allPoints());
  state.view = proj;
  if (!proj) return;
  for (const f of state.areas) f.path = ringsPath(f.geometry, proj);
  for (const f of state.localities) f.path = outlinePath(f.geometry, proj);
  for (const s of state.sites) s.xy = proj(s.f.geometry.coordinates);
}

function colourOf(f) {
  const d = f.properties.imd_decile;
  return Number.isInteger(d) && d >= 1 && d <= 10 ? PALETTE[d - 1] : NO_DATA;
}

function draw() {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  if (!state.view) return;
  ctx.lineJoin = 'round';
  for (const f of state.areas) {
    ctx.fillStyle = colourOf(f);
    ctx.fill(f.path, 'evenodd');
  }
  ctx.strokeStyle = 'rgba(255,255,255,0.5)';
  ctx.lineWidth = 0.4;
  for (const f of state.areas) ctx.stroke(f.path);
  for (const [width, colour] of [[4, '#ffffff'], [1.6, '#111111']]) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    for (const f of state.localities) ctx.stroke(f.path);
  }
  for (const f of [state.selected, state.hover]) {
    if (!f) continue;
    ctx.strokeStyle = '#ffffff'; ctx.lineWidth = 4; ctx.stroke(f.path);
    ctx.strokeStyle = '#d62728'; ctx.lineWidth = 2; ctx.stroke(f.path);
  }
  ctx.font = '12px system-ui, sans-serif';
  for (const s of state.sites) {
    const [x, y] = s.xy;
    ctx.beginPath();
    ctx.arc(x, y, 4, 0, 2 * Math.PI);
    ctx.fillStyle = '#ffffff'; ctx.fill();
    ctx.strokeStyle = '#111111'; ctx.lineWidth = 2; ctx.stroke();
    const name = s.f.properties.name;
    if (name) {
      ctx.strokeStyle = 'rgba(255,255,255,0.9)'; ctx.lineWidth = 3;
      ctx.strokeText(name, x + 6, y - 5);
      ctx.fillStyle = '#111111'; ctx.fillText(name, x + 6, y - 5);
    }
  }
}

function areaAt(x, y) {
  const dpr = window.devicePixelRatio || 1;
  for (let i = state.areas.length - 1; i >= 0; i--) {
    const f = state.areas[i];
    if (ctx.isPointInPath(f.path, x * dpr, y * dpr, 'evenodd')) return f;
  }
  return null;
}

function showInfo(f) {
  const box = $('info');
  box.replaceChildren();
  if (!f) { box.append(el('p', 'Point at or click an area to see it here.')); return; }
  const p = f.properties;
  box.append(el('h2', p.name || p.code));
  const dl = el('dl');
  const rows = [['Code', p.code], ['MSOA', p.msoa_name && `${p.msoa_name} (${p.msoa_code})`],
    ['District', p.lad_name], ['IMD rank', p.imd_rank !== undefined ? `${p.imd_rank.toLocaleString('en-GB')} (1 = most deprived)` : undefined],
    ['IMD decile', p.imd_decile], ['IMD score', p.imd_score]];
  for (const [k, v] of rows) {
    if (v === undefined || v === '' || v === null) continue;
    dl.append(el('dt', k), el('dd', String(v)));
  }
  if ((p.suppressed || []).length) dl.append(el('dt', 'Withheld'), el('dd', p.suppressed.join(', ')));
  box.append(dl);
}

function legendRow(label, swatchClass, colour) {
  const row = el('div', undefined, 'legend-row');
  const sw = el('span', undefined, 'swatch ' + (swatchClass || ''));
  if (colour) sw.style.background = colour;
  row.append(sw, el('span', label));
  return row;
}

function showLegend() {
  const box = $('legend');
  box.replaceChildren(el('h2', 'IMD decile'));
  if (!state.hasDecile) box.append(el('p', 'No IMD decile is loaded for this geography: areas are drawn grey.'));
  PALETTE.forEach((c, i) => {
    const note = i === 0 ? ' most deprived 10 %' : i === 9 ? ' least deprived 10 %' : '';
    box.append(legendRow(`${i + 1}${note}`, '', c));
  });
  box.append(legendRow('no value', '', NO_DATA));
  if (state.localities.length) box.append(legendRow('Locality boundary', 'line'));
  for (const l of state.siteLayers) box.append(legendRow(`${l.title} (${l.count})`, 'dot'));
}

function showAttributions(datasets) {
  const list = $('attributions');
  list.replaceChildren();
  const seen = new Set();
  for (const d of datasets) {
    let line = d.attribution || (d.publisher ? `${d.publisher}: ${d.source}` : `${d.source}: no attribution recorded`);
    if (d.licence && !/licen[cs]/i.test(line)) line += ` Licence: ${d.licence}.`;
    if (seen.has(line)) continue;
    seen.add(line);
    list.append(el('li', line));
  }
  if (!seen.size) list.append(el('li', 'No data loaded yet.'));
}

async function loadGeography(g) {
  const layer = state.layers.find((l) => l.kind === 'areas' && l.geography === g);
  const locLayer = state.layers.find((l) => l.kind === 'localities' && l.geography === g);
  if (!layer) return;
  setStatus(`Loading ${layer.title}…`);
  const fields = WANTED.filter((k) => (layer.indicators || []).includes(k));
  const [areas, locs] = await Promise.all([
    getJSON(`${layer.links[0].href}&fields=${fields.join(',')}`),
    locLayer ? getJSON(locLayer.links[0].href) : { features: [] },
  ]);
  Object.assign(state, {
    geography: g, hasDecile: fields.includes('imd_decile'),
    areas: areas.features, localities: locs.features, hover: null, selected: null,
  });
  project();
  draw();
  showLegend();
  showInfo(null);
  setStatus(`${layer.title}: ${areas.features.length} areas, ${locs.features.length} localities.`);
}

function onPointer(ev, click) {
  if (!state.view) return;
  const r = canvas.getBoundingClientRect();
  const x = ev.clientX - r.left, y = ev.clientY - r.top;
  const f = areaAt(x, y);
  const tip = $('tooltip');
  if (click) state.selected = f === state.selected ? null : f;
  state.hover = f;
  tip.hidden = !f;
  if (f) {
    tip.textContent = `${f.properties.name || f.properties.code}` +
      (f.properties.imd_decile ? ` · decile ${f.properties.imd_decile}` : '');
    tip.style.left = `${x + 12}px`;
    tip.style.top = `${y + 12}px`;
  }
  showInfo(state.selected || f);
  draw();
}

async function main() {
  const [layers, datasets] = await Promise.all([getJSON('/api/v1/layers'), getJSON('/api/v1/datasets')]);
  showAttributions(datasets);
  state.layers = layers;
  state.siteLayers = layers.filter((l) => l.kind === 'sites');
  const fcs = await Promise.all(state.siteLayers.map((l) => getJSON(l.links[0].href)));
  state.sites = fcs.flatMap((fc) => fc.features.map((f) => ({ f })));

  const geogs = layers.filter((l) => l.kind === 'areas');
  const select = $('geography');
  for (const l of geogs) select.append(new Option(l.title, l.geography));
  select.disabled = geogs.length < 2;
  select.addEventListener('change', () => loadGeography(select.value).catch((e) => setStatus(e.message, true)));
  if (!geogs.length) {
    project();
    draw();
    showLegend();
    setStatus('No small areas are loaded yet.');
    return;
  }
  const first = geogs.some((l) => l.geography === 'lsoa11') ? 'lsoa11' : geogs[0].geography;
  select.value = first;
  await loadGeography(first);
}

canvas.addEventListener('mousemove', (ev) => onPointer(ev, false));
canvas.addEventListener('click', (ev) => onPointer(ev, true));
canvas.addEventListener('mouseleave', () => { state.hover = null; $('tooltip').hidden = true; showInfo(state.selected); draw(); });
window.addEventListener('resize', () => { project(); draw(); });
main().catch((e) => setStatus(e.message, true));
