// The web map's one way to talk to the server: typed calls over fetch,
// problem+json errors as ApiError, and ETags for the scenario registry.
// Every URL is relative to this server: the page calls no other host.
// It also keeps the session's anti-forgery token, which every write sends,
// and says when the server no longer knows who is asking (401).

import type {
  AppConfig, AreaProfile, Breaks, Comparison, Dataset, Indicator, Locality, Plan, Problem,
  Approval, Revision, ScenarioDoc, ScenarioListItem, Score, SearchResult, Session, Summaries, Values,
} from './types';
import { filenameOf, retryAfterMs } from './lib/report';

/** AreaSummary is one small area of the areas list (no geometry). */
export interface AreaSummary { code: string; name: string; msoa_code?: string; msoa_name?: string; lad_code?: string; lad_name?: string }

/** ApiError is a failed request: its status and the server's problem document. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title || `request failed (${problem.status})`);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }
}

/** isAbort reports whether err is a request the page cancelled itself. */
export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

async function problemOf(res: Response): Promise<Problem> {
  try {
    const body = await res.json();
    if (body && typeof body === 'object') return { status: res.status, ...body };
  } catch {
    // not a problem document
  }
  return { status: res.status, title: res.statusText };
}

interface Sent<T> { body: T; etag: string | null }

// ---- the session --------------------------------------------------------

/** sessionURL is where the page asks who is signed in, signs in and signs out. */
export const sessionURL = '/api/v1/session';

let csrfToken: string | null = null;
let whenSignedOut: (() => void) | null = null;

/** keepSession keeps what the page needs of a session document: the token
 * every write sends in X-CSRF-Token (none when signed out or not by cookie). */
export function keepSession(s: Session | null): void {
  csrfToken = s?.signed_in ? s.csrf_token ?? null : null;
}

/** csrf is the anti-forgery token writes send now, if any. */
export function csrf(): string | null {
  return csrfToken;
}

/** onSignedOut sets what to do when a request answers 401: the server no
 * longer knows who is asking (the session ended, by time or elsewhere). */
export function onSignedOut(f: (() => void) | null): void {
  whenSignedOut = f;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** sessionEnded forgets the token and tells the page that the server no
 * longer knows who is asking: for a 401 this module did not see (a map tile's). */
export function sessionEnded(): void {
  csrfToken = null;
  whenSignedOut?.();
}

/** signedOut is sessionEnded for a 401 of any request but signing in
 * (whose 401 is a wrong password, not an ended session). */
function signedOut(method: string, url: string): void {
  if (method === 'POST' && url.split('?')[0] === sessionURL) return;
  sessionEnded();
}

/** Saved is the server's answer to a create or an update. */
export interface Saved { id: string; revision: number; name: string; changes?: string }

async function request<T>(method: string, url: string, opts: {
  body?: unknown; signal?: AbortSignal; headers?: Record<string, string>;
} = {}): Promise<Sent<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (!safeMethods.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(url, { method, headers, body, signal: opts.signal, credentials: 'same-origin' });
  if (res.status === 401) signedOut(method, url);
  if (!res.ok) throw new ApiError(await problemOf(res));
  const etag = res.headers.get('ETag');
  if (res.status === 204) return { body: undefined as T, etag };
  return { body: (await res.json()) as T, etag };
}

const get = async <T>(url: string, signal?: AbortSignal) => (await request<T>('GET', url, { signal })).body;
const post = async <T>(url: string, body: unknown, signal?: AbortSignal) =>
  (await request<T>('POST', url, { body, signal })).body;

function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** ReportFile is a finished export: its bytes and the file name to save it as. */
export interface ReportFile { blob: Blob; filename: string }

/** fetchReport asks for an export at url, polling while the server answers
 * 202 (each step it reports goes to onStep), until the file arrives. */
export async function fetchReport(url: string, opts: {
  signal?: AbortSignal; onStep?: (step: string) => void; wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
} = {}): Promise<ReportFile> {
  const wait = opts.wait ?? ((ms, signal) => new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); reject(new DOMException('aborted', 'AbortError')); }, { once: true });
  }));
  for (;;) {
    const res = await fetch(url, { signal: opts.signal, credentials: 'same-origin' });
    if (res.status === 202) {
      const status = await res.json() as { step?: string };
      if (status.step) opts.onStep?.(status.step);
      await wait(retryAfterMs(res.headers.get('Retry-After')), opts.signal);
      continue;
    }
    if (res.status === 401) signedOut('GET', url);
    if (!res.ok) throw new ApiError(await problemOf(res));
    const fallback = url.split('?')[0].split('/').pop() ?? 'report';
    return { blob: await res.blob(), filename: filenameOf(res.headers.get('Content-Disposition')) ?? fallback };
  }
}

/** revisionOf reads the revision an ETag `"rN"` names. */
export function revisionOf(etag: string | null): number | null {
  const m = etag ? /"r(\d+)"/.exec(etag) : null;
  return m ? Number(m[1]) : null;
}

export const api = {
  /** session asks who is signed in (never 401) and keeps its token for writes. */
  session: async (s?: AbortSignal): Promise<Session> => {
    const doc = await get<Session>(sessionURL, s);
    keepSession(doc);
    return doc;
  },
  /** signIn signs in with a password; the server sets the session cookie.
   * A wrong name or password, or a locked account, is an ApiError of 401. */
  signIn: async (name: string, password: string): Promise<Session> => {
    const doc = await post<Session>(sessionURL, { name, password });
    keepSession(doc);
    return doc;
  },
  /** signOut ends the session on the server, so its cookie is worth nothing. */
  signOut: async (): Promise<void> => {
    try {
      await request<void>('DELETE', sessionURL);
    } finally {
      keepSession(null);
    }
  },
  config: (s?: AbortSignal) => get<AppConfig>('/api/v1/config', s),
  datasets: (s?: AbortSignal) => get<Dataset[]>('/api/v1/datasets', s),
  indicators: (geography: string, s?: AbortSignal) => get<Indicator[]>(`/api/v1/indicators${qs({ geography })}`, s),
  areas: (geography: string, s?: AbortSignal) => get<AreaSummary[]>(`/api/v1/areas${qs({ geography })}`, s),
  localities: (geography: string, s?: AbortSignal) => get<Locality[]>(`/api/v1/localities${qs({ geography })}`, s),
  values: (geography: string, field: string, s?: AbortSignal) => get<Values>(`/api/v1/values${qs({ geography, field })}`, s),
  breaks: (p: { geography: string; field: string; method: string; classes: number; scenario?: string }, s?: AbortSignal) =>
    get<Breaks>(`/api/v1/breaks${qs({ layer: 'areas', ...p })}`, s),
  draftBreaks: (doc: ScenarioDoc, p: { field: string; method: string; classes: number }, s?: AbortSignal) =>
    post<Breaks>(`/api/v1/breaks${qs(p)}`, doc, s),
  search: (q: string, geography: string, s?: AbortSignal) => get<SearchResult[]>(`/api/v1/search${qs({ q, geography, limit: 10 })}`, s),
  profile: (geography: string, code: string, s?: AbortSignal) =>
    get<AreaProfile>(`/api/v1/areas/${encodeURIComponent(geography)}/${encodeURIComponent(code)}`, s),
  summaries: (geography: string, scheme: string, s?: AbortSignal) =>
    get<Summaries>(`/api/v1/summaries${qs({ by: 'locality', geography, scheme })}`, s),

  scenarios: (s?: AbortSignal) => get<ScenarioListItem[]>('/api/v1/scenarios', s),
  /** scenario returns a scenario's document (or one revision's) and the revision it is. */
  scenario: async (id: string, revision?: number, s?: AbortSignal): Promise<{ doc: ScenarioDoc; revision: number }> => {
    const url = revision
      ? `/api/v1/scenarios/${encodeURIComponent(id)}/revisions/${revision}`
      : `/api/v1/scenarios/${encodeURIComponent(id)}`;
    const r = await request<ScenarioDoc>('GET', url, { signal: s });
    return { doc: r.body, revision: revision ?? revisionOf(r.etag) ?? 0 };
  },
  revisions: (id: string, s?: AbortSignal) => get<Revision[]>(`/api/v1/scenarios/${encodeURIComponent(id)}/revisions`, s),
  /** createScenario stores doc as a new scenario; the server names it from
   * its name and records the signed-in user as its author. */
  createScenario: async (doc: ScenarioDoc, note: string): Promise<Saved> =>
    (await request<Saved>('POST', `/api/v1/scenarios${qs({ note })}`, { body: doc })).body,
  /** updateScenario stores doc as the revision after base, by the signed-in
   * user; a stale base is refused with 412. */
  updateScenario: async (id: string, base: number, doc: ScenarioDoc, note: string): Promise<Saved> =>
    (await request<Saved>('PUT', `/api/v1/scenarios/${encodeURIComponent(id)}${qs({ note })}`, {
      body: doc, headers: { 'If-Match': `"r${base}"` },
    })).body,

  /** approve marks a revision approved for a committee's meeting (approvers only). */
  approve: async (id: string, revision: number, committee: string, meeting: string, note: string): Promise<Approval> =>
    (await request<Approval>('POST', `/api/v1/scenarios/${encodeURIComponent(id)}/revisions/${revision}/approvals`, {
      body: { committee, meeting, note },
    })).body,

  score: (ref: string, s?: AbortSignal) => get<Score>(`/api/v1/scores${qs({ scenario: ref, areas: true })}`, s),
  draftScore: (doc: ScenarioDoc, s?: AbortSignal) => post<Score>('/api/v1/scores?areas=true', doc, s),
  plan: (ref: string, s?: AbortSignal) => get<Plan>(`/api/v1/plans${qs({ scenario: ref, areas: true })}`, s),
  draftPlan: (doc: ScenarioDoc, s?: AbortSignal) => post<Plan>('/api/v1/plans?areas=true', doc, s),
  compare: (a: string, b: string, s?: AbortSignal) => get<Comparison>(`/api/v1/compare${qs({ ids: `${a},${b}` })}`, s),
};
