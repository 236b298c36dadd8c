import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, csrf, fetchReport, keepSession, onSignedOut } from '../../src/api';
import { cannotReason, isRole, roleAllows } from '../../src/lib/roles';
import { sentence } from '../../src/lib/format';
import type { ScenarioDoc, Session } from '../../src/types';

const signedIn: Session = {
  signed_in: true, user: 'ana', role: 'analyst', via: 'session', mode: 'sign-in', csrf_token: 'tok-123',
  methods: ['password', 'token'], roles: ['viewer', 'analyst', 'approver', 'admin'],
};
const signedOut: Session = { signed_in: false, mode: 'sign-in', methods: ['password', 'token'], roles: signedIn.roles };
const doc = { name: 'x', dataset: { geography: 'lsoa11' }, indicators: [] } as unknown as ScenarioDoc;

interface Call { url: string; method: string; headers: Record<string, string>; body?: string }

/** serve answers each fetch with answer(call) and records the calls. */
function serve(answer: (c: Call) => Response): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const c: Call = { url, method: init.method ?? 'GET', headers: (init.headers ?? {}) as Record<string, string>, body: init.body as string | undefined };
    calls.push(c);
    return answer(c);
  });
  return calls;
}

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': type } });
const problem = (status: number, detail: string) => json(status, { status, title: 'Unauthorized', detail }, 'application/problem+json');

beforeEach(() => { keepSession(null); onSignedOut(null); });
afterEach(() => { vi.unstubAllGlobals(); onSignedOut(null); });

describe('the session in the API client', () => {
  it('keeps the token of the session it is told of, and only a signed-in one', () => {
    keepSession(signedIn);
    expect(csrf()).toBe('tok-123');
    keepSession({ ...signedIn, signed_in: false });
    expect(csrf()).toBeNull();
    keepSession({ ...signedIn, via: 'local', csrf_token: undefined });
    expect(csrf()).toBeNull();
  });

  it('sends X-CSRF-Token with every write once signed in, and never with a read', async () => {
    const calls = serve((c) => {
      if (c.url === '/api/v1/session' && c.method === 'POST') return json(201, signedIn);
      if (c.method === 'POST' && c.url.startsWith('/api/v1/scenarios')) return json(201, { id: 'x', revision: 1, name: 'x' });
      if (c.method === 'PUT') return json(200, { id: 'x', revision: 2, name: 'x' });
      if (c.method === 'DELETE') return json(204, null);
      return json(200, { localities: [] });
    });
    await api.signIn('ana', 'correct horse battery');
    expect(calls[0].headers['X-CSRF-Token']).toBeUndefined(); // signing in has no token yet
    expect(JSON.parse(calls[0].body!)).toEqual({ name: 'ana', password: 'correct horse battery' });
    expect(calls[0].headers['Content-Type']).toBe('application/json');
    await api.draftScore(doc);
    await api.draftPlan(doc);
    await api.draftBreaks(doc, { field: 'need_score', method: 'quantile', classes: 5 });
    await api.createScenario(doc, 'first');
    await api.updateScenario('x', 1, doc, 'second');
    await api.score('x@1');
    const writes = calls.slice(1).filter((c) => c.method !== 'GET');
    expect(writes.map((c) => c.method)).toEqual(['POST', 'POST', 'POST', 'POST', 'PUT']);
    for (const w of writes) {
      expect(w.headers['X-CSRF-Token'], `${w.method} ${w.url}`).toBe('tok-123');
      expect(w.headers['Content-Type']).toBe('application/json');
    }
    const read = calls.at(-1)!;
    expect(read.method).toBe('GET');
    expect(read.headers['X-CSRF-Token']).toBeUndefined();
    // The server records who saved: the page no longer says.
    for (const c of calls) expect(c.url).not.toMatch(/author=/);
    await api.signOut();
    const out = calls.at(-1)!;
    expect([out.method, out.url, out.headers['X-CSRF-Token']]).toEqual(['DELETE', '/api/v1/session', 'tok-123']);
    expect(csrf()).toBeNull();
  });

  it('GET /api/v1/session sets the token (signed in) or clears it (signed out)', async () => {
    let doc: Session = signedIn;
    serve(() => json(200, doc));
    expect((await api.session()).user).toBe('ana');
    expect(csrf()).toBe('tok-123');
    doc = signedOut;
    expect((await api.session()).signed_in).toBe(false);
    expect(csrf()).toBeNull();
  });

  it('a 401 from any request tells the page the session has ended, and forgets the token', async () => {
    keepSession(signedIn);
    const ended = vi.fn();
    onSignedOut(ended);
    serve(() => problem(401, 'sign in first, or send an API token (Authorization: Bearer TOKEN): GET /api/v1/config needs the viewer role'));
    const err = await api.config().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect(ended).toHaveBeenCalledTimes(1);
    expect(csrf()).toBeNull();
    await api.draftScore(doc).catch(() => undefined);
    expect(ended).toHaveBeenCalledTimes(2);
  });

  it('a 401 of an export being fetched ends the session too', async () => {
    const ended = vi.fn();
    onSignedOut(ended);
    serve(() => problem(401, 'sign in first'));
    await expect(fetchReport('/api/v1/scenarios/x/report.pdf')).rejects.toBeInstanceOf(ApiError);
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('a wrong password is a failed sign-in, not an ended session', async () => {
    const ended = vi.fn();
    onSignedOut(ended);
    serve(() => problem(401, 'wrong user name or password'));
    const err = await api.signIn('ana', 'nope').catch((e: unknown) => e) as ApiError;
    expect(err.status).toBe(401);
    expect(err.problem.detail).toBe('wrong user name or password');
    expect(ended).not.toHaveBeenCalled();
  });

  it('a 403 (too small a role) is an error, and the session goes on', async () => {
    keepSession(signedIn);
    const ended = vi.fn();
    onSignedOut(ended);
    serve(() => problem(403, 'POST /api/v1/scores needs the analyst role; vic is a viewer'));
    await expect(api.draftScore(doc)).rejects.toMatchObject({ status: 403 });
    expect(ended).not.toHaveBeenCalled();
    expect(csrf()).toBe('tok-123');
  });
});

describe('roles', () => {
  it('are ordered viewer < analyst < approver < admin', () => {
    expect(roleAllows('viewer', 'viewer')).toBe(true);
    expect(roleAllows('viewer', 'analyst')).toBe(false);
    expect(roleAllows('analyst', 'analyst')).toBe(true);
    expect(roleAllows('analyst', 'approver')).toBe(false);
    expect(roleAllows('approver', 'analyst')).toBe(true);
    expect(roleAllows('admin', 'approver')).toBe(true);
    expect(roleAllows('admin', 'admin')).toBe(true);
  });
  it('allow nothing to nobody, or to a role the page does not know', () => {
    expect(roleAllows(undefined, 'viewer')).toBe(false);
    expect(roleAllows(null, 'viewer')).toBe(false);
    expect(roleAllows('superuser', 'viewer')).toBe(false);
    expect(isRole('analyst')).toBe(true);
    expect(isRole('Analyst')).toBe(false);
  });
  it('say why a control is disabled, and what to ask for', () => {
    expect(cannotReason('viewer', 'analyst')).toBe('Viewers can look but not change: ask an admin for the analyst role');
    expect(cannotReason('analyst', 'admin')).toBe('Analysts cannot do this: ask an admin for the admin role');
    expect(cannotReason('analyst', 'analyst')).toBe('');
    expect(cannotReason('admin', 'analyst')).toBe('');
    expect(cannotReason(undefined, 'analyst')).toMatch(/Sign in with the analyst role/);
  });
});

describe('the sign-in page', () => {
  it('shows the server’s detail as a sentence', () => {
    expect(sentence('wrong user name or password')).toBe('Wrong user name or password.');
    expect(sentence('too many failed sign-ins as ana: try again after 06:15 UTC')).toBe('Too many failed sign-ins as ana: try again after 06:15 UTC.');
    expect(sentence('Done.')).toBe('Done.');
    expect(sentence('')).toBe('');
  });
});
