import { afterEach, describe, expect, it, vi } from 'vitest';
import { filenameOf, REPORT_FORMATS, reportURL, retryAfterMs } from '../../src/lib/report';
import { ApiError, fetchReport } from '../../src/api';

describe('reportURL', () => {
  it('keeps the revision readable and escapes the rest', () => {
    expect(reportURL('shropshire-five-teams@2', 'pdf')).toBe('/api/v1/scenarios/shropshire-five-teams@2/report.pdf');
    expect(reportURL('a b', 'xlsx', 'c@3')).toBe('/api/v1/scenarios/a%20b/report.xlsx?compare=c@3');
  });
  it('offers the board paper first and every format the server writes', () => {
    expect(REPORT_FORMATS.map((f) => f.key)).toEqual(['pdf', 'docx', 'html', 'xlsx', 'csv', 'gpkg', 'geojson', 'pmtiles']);
  });
});

describe('filenameOf', () => {
  it.each([
    [`attachment; filename="x@1.pdf"; filename*=UTF-8''x%401.pdf`, 'x@1.pdf'],
    [`attachment; filename="plain.docx"`, 'plain.docx'],
    [`attachment; filename=bare.csv.zip`, 'bare.csv.zip'],
    [`attachment; filename*=UTF-8''Caf%C3%A9.html`, 'Café.html'],
    [`attachment`, null],
    [null, null],
  ])('%s → %s', (header, want) => {
    expect(filenameOf(header)).toBe(want);
  });
});

describe('retryAfterMs', () => {
  it.each([['1', 1000], ['3', 3000], [null, 1000], ['soon', 1000], ['0', 1000], ['60', 10000]])('%s → %d', (h, ms) => {
    expect(retryAfterMs(h)).toBe(ms);
  });
});

describe('fetchReport', () => {
  afterEach(() => { vi.unstubAllGlobals(); });

  it('polls while the server answers 202, reporting each step, then returns the file', async () => {
    const answers = [
      new Response(JSON.stringify({ status: 'running', step: 'working out the plan' }), { status: 202, headers: { 'Retry-After': '2' } }),
      new Response(JSON.stringify({ status: 'running', step: 'printing the PDF with Chromium' }), { status: 202 }),
      new Response('%PDF-1.4', { status: 200, headers: { 'Content-Disposition': `attachment; filename="s@1.pdf"` } }),
    ];
    const fetchMock = vi.fn(async () => answers.shift()!);
    vi.stubGlobal('fetch', fetchMock);
    const steps: string[] = [];
    const waits: number[] = [];
    const f = await fetchReport('/api/v1/scenarios/s@1/report.pdf', {
      onStep: (s) => steps.push(s), wait: async (ms) => { waits.push(ms); },
    });
    expect(f.filename).toBe('s@1.pdf');
    expect(await f.blob.text()).toBe('%PDF-1.4');
    expect(steps).toEqual(['working out the plan', 'printing the PDF with Chromium']);
    expect(waits).toEqual([2000, 1000]);
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });

  it('turns a problem into an ApiError with its detail', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ title: 'Bad Request', detail: 'scenario x has no sites section' }),
      { status: 400, headers: { 'Content-Type': 'application/problem+json' } })));
    await expect(fetchReport('/api/v1/scenarios/x/report.pdf', { wait: async () => {} })).rejects.toSatisfy(
      (e: unknown) => e instanceof ApiError && e.status === 400 && e.message.includes('no sites section'));
  });

  it('names the file from the URL when the server names none', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('x', { status: 200 })));
    expect((await fetchReport('/api/v1/scenarios/s/report.html?compare=t')).filename).toBe('report.html');
  });
});
