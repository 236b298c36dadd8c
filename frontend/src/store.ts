// The web map's shared state, as Preact signals: what the server told us
// at start, the URL state (one source of truth, written back to the
// address bar), the scenario being shaped as a draft, and its results.

import { batch, computed, effect, signal } from '@preact/signals';
import { api, ApiError, isAbort } from './api';
import { Latest } from './lib/latest';
import { parse, serialise, splitRef, type UrlState } from './lib/url';
import type { Layer } from './map/colouring';
import type { AppConfig, Breaks, Dataset, Indicator, Plan, PlanCandidate, ScenarioDoc, ScenarioListItem, Score } from './types';

export const config = signal<AppConfig | null>(null);
export const datasets = signal<Dataset[]>([]);
export const indicators = signal<Record<string, Indicator[]>>({});
export const scenarios = signal<ScenarioListItem[]>([]);

/** url is the state a link reproduces. */
export const url = signal<UrlState>(parse(location.search));

/** patch changes the URL state; a change of view adds a history entry, anything else replaces it. */
export function patch(p: Partial<UrlState>): void {
  const prev = url.value;
  const next = { ...prev, ...p };
  if (JSON.stringify(next) === JSON.stringify(prev)) return;
  url.value = next;
  const href = `${location.pathname}${serialise(next)}`;
  if (p.view && p.view !== prev.view) history.pushState(null, '', href);
  else history.replaceState(null, '', href);
}

addEventListener('popstate', () => { url.value = parse(location.search); });

/** geography is the small-area geography shown: the URL's, else the server's default. */
export const geography = computed(() => url.value.geography ?? config.value?.default_geography ?? 'lsoa11');

/** indicatorOf finds an indicator of a geography by key. */
export function indicatorOf(geog: string, key: string): Indicator | undefined {
  return indicators.value[geog]?.find((i) => i.key === key);
}

/** indicatorName names an indicator by key, falling back to the key. */
export function indicatorName(key: string, geog = draftGeography()): string {
  return indicatorOf(geog, key)?.name ?? key.replace(/_/g, ' ');
}

/** loadIndicators fetches a geography's indicator catalogue once. */
export async function loadIndicators(geog: string): Promise<Indicator[]> {
  const have = indicators.value[geog];
  if (have) return have;
  const list = await api.indicators(geog);
  indicators.value = { ...indicators.value, [geog]: list };
  return list;
}

// ---- live announcements -------------------------------------------------

/** message is what the polite live region says; alert the assertive one. */
export const message = signal('');
export const alert = signal('');

let clearTimer: ReturnType<typeof setTimeout> | null = null;

/** announce tells screen-reader users (and everyone, in the status bar) what just happened. */
export function announce(text: string): void {
  // Re-setting the same text is not re-read; blank it first.
  message.value = '';
  queueMicrotask(() => { message.value = text; });
  if (clearTimer) clearTimeout(clearTimer);
  clearTimer = setTimeout(() => { message.value = ''; }, 15000);
}

/** problemText says what went wrong in words. */
export function problemText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

// ---- the scenario being shaped --------------------------------------------

/** Draft is a scenario document being edited, and where it came from. */
export interface Draft {
  id: string | null; // the stored scenario it started from, if any
  revision: number; // the revision it started from (0 for a new one)
  base: ScenarioDoc; // that revision's document
  doc: ScenarioDoc; // the document as edited
}

export const draft = signal<Draft | null>(null);

/** dirty is true when the draft differs from the revision it started from. */
export const dirty = computed(() => {
  const d = draft.value;
  return Boolean(d && JSON.stringify(d.doc) !== JSON.stringify(d.base));
});

/** draftGeography is the geography the draft scores, else the one shown. */
export function draftGeography(): string {
  return draft.value?.doc.dataset.geography ?? geography.value;
}

export const score = signal<Score | null>(null);
export const plan = signal<Plan | null>(null);
export const scoreState = signal<'idle' | 'busy' | 'error'>('idle');
export const planState = signal<'idle' | 'busy' | 'error'>('idle');
export const scoreError = signal('');
export const planError = signal('');
/** timings of the last answers, in milliseconds, shown to the user and read by the browser tests */
export const timings = signal<{ scoreMs?: number; planMs?: number }>({});

/** openScenario loads a stored scenario (id or id@rev) as the draft. */
let opened = 0; // counts openScenario calls: only the latest may set the draft

export async function openScenario(ref: string): Promise<void> {
  const mine = ++opened;
  const { id, revision } = splitRef(ref);
  const got = await api.scenario(id, revision ?? undefined);
  await loadIndicators(got.doc.dataset.geography);
  if (mine !== opened) return; // a later open superseded this one
  batch(() => {
    draft.value = { id, revision: got.revision, base: got.doc, doc: structuredClone(got.doc) };
    patch({ scenario: revision ? `${id}@${revision}` : id });
  });
}

/**
 * ensureDraft opens, when no scenario is open, the one the URL names, else
 * the shipped five-team Shropshire plan, else the first stored one.
 */
let ensuring: Promise<void> | null = null;

export function ensureDraft(): Promise<void> {
  if (draft.value) return Promise.resolve();
  // Views that mount together share one open: a second open finishing
  // later would replace a draft the user has already begun to edit.
  ensuring ??= (async () => {
    const list = scenarios.value;
    const ref = url.value.scenario ?? list.find((x) => x.id === 'shropshire-five-teams')?.id ?? list[0]?.id;
    if (ref) await openScenario(ref);
  })().finally(() => { ensuring = null; });
  return ensuring;
}

/** edit replaces the draft's document. */
export function edit(change: (d: ScenarioDoc) => ScenarioDoc): void {
  const d = draft.value;
  if (!d) return;
  draft.value = { ...d, doc: change(d.doc) };
}

const scoreRun = new Latest<Score>();
const planRun = new Latest<Plan>();

/** refRef is the stored reference when the draft is unchanged (so the server's cache answers). */
function storedRef(d: Draft): string | null {
  return d.id && !dirty.value ? `${d.id}@${d.revision}` : null;
}

// Score the draft whenever it changes, at once, cancelling an answer still
// on its way; then re-solve the sites.
effect(() => {
  const d = draft.value;
  if (!d) return;
  const ref = storedRef(d);
  const doc = d.doc;
  scoreState.value = 'busy';
  const t0 = performance.now();
  const scored = scoreRun.run((s) => (ref ? api.score(ref, s) : api.draftScore(doc, s)), 0);
  scored.then((r) => {
    if (!r) return;
    const edited = dirty.value && score.value !== null;
    const before = score.value?.localities.slice(0, 3).map((l) => l.locality).join();
    batch(() => {
      score.value = r;
      scoreState.value = 'idle';
      scoreError.value = '';
      timings.value = { ...timings.value, scoreMs: Math.round(performance.now() - t0) };
    });
    const top = r.localities.slice(0, 3);
    if (edited && top.map((l) => l.locality).join() !== before) {
      announce(`Re-ranked: ${top.map((l) => `${l.rank} ${l.locality}`).join(', ')}.`);
    }
  }, (err) => {
    if (isAbort(err)) return;
    scoreState.value = 'error';
    scoreError.value = problemText(err);
  });
  if (!doc.sites) {
    planRun.cancel();
    plan.value = null;
    planState.value = 'idle';
    return;
  }
  planState.value = 'busy';
  const p0 = performance.now();
  // The plan waits for the ranking, so that the two do not share the
  // server's processors and the ranking, which is quick, shows first.
  const settled = scored.then(() => undefined, () => undefined);
  planRun.run(async (s) => {
    await settled;
    s.throwIfAborted();
    return ref ? api.plan(ref, s) : api.draftPlan(doc, s);
  }).then((r) => {
    if (!r) return;
    batch(() => {
      plan.value = r;
      planState.value = 'idle';
      planError.value = '';
      timings.value = { ...timings.value, planMs: Math.round(performance.now() - p0) };
    });
  }, (err) => {
    if (isAbort(err)) return;
    planState.value = 'error';
    planError.value = problemText(err);
  });
});

// ---- what the maps show ------------------------------------------------------

/** MapContent is what one map draws: its layer, candidate sites and a label. */
export interface MapContent {
  layer: Layer | null;
  candidates: PlanCandidate[] | null;
  label: string;
  /** the small-area geography the layer's codes are of (default: the one explored) */
  geography?: string;
}

/** main is the content of the main map; second that of the comparison's other map. */
export const main = signal<MapContent>({ layer: null, candidates: null, label: 'Map of small areas' });
export const second = signal<MapContent | null>(null);

/** needBreaks are the legend classes of the draft's need score, from /api/v1/breaks. */
export const needBreaks = signal<Breaks | null>(null);
const breaksRun = new Latest<Breaks>();

// The need legend follows the draft (and the classification chosen).
effect(() => {
  const d = draft.value;
  const { method, classes } = url.value;
  if (!d) {
    needBreaks.value = null;
    return;
  }
  const ref = storedRef(d);
  const doc = d.doc;
  breaksRun.run((s) => (ref
    ? api.breaks({ geography: doc.dataset.geography, field: 'need_score', method, classes, scenario: ref }, s)
    : api.draftBreaks(doc, { field: 'need_score', method, classes }, s))).then((b) => {
    if (b) needBreaks.value = b;
  }, (err) => {
    if (!isAbort(err)) scoreError.value = problemText(err);
  });
});

/** areaNames maps each small area's code to its name and district, per geography, loaded on demand. */
export const areaNames = signal<Record<string, Map<string, { name: string; district: string }>>>({});

export async function loadAreaNames(geog: string): Promise<Map<string, { name: string; district: string }>> {
  const have = areaNames.value[geog];
  if (have) return have;
  const list = await api.areas(geog);
  const m = new Map(list.map((a) => [a.code, { name: a.name, district: a.lad_name ?? '' }]));
  areaNames.value = { ...areaNames.value, [geog]: m };
  return m;
}
