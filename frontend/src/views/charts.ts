// The charts, drawn with Observable Plot: rank intervals of the localities
// and cumulative coverage of a rollout.

import type * as PlotModule from '@observablehq/plot';

export type PlotLib = typeof PlotModule;

/** loadPlot loads Observable Plot on first use, so the map's first paint need not wait for it. */
export const loadPlot = (): Promise<PlotLib> => import('@observablehq/plot');
import type { ScoreLocality } from '../types';

const font = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif';

/** rankChart draws each locality's rank with its 5–95 % interval across the uncertainty draws. */
export function rankChart(Plot: PlotLib, locs: ScoreLocality[], width: number): SVGSVGElement | HTMLElement {
  const data = locs.map((l) => ({ ...l, lo: l.rank_p5 ?? l.rank, hi: l.rank_p95 ?? l.rank, mid: l.median_rank ?? l.rank }));
  const n = data.length;
  return Plot.plot({
    width,
    height: 26 * n + 56,
    marginLeft: Math.min(170, width * 0.42),
    marginRight: 16,
    style: { fontFamily: font, fontSize: '13px', color: '#0b0c0c', background: 'transparent' },
    x: { label: 'Rank (1 = most need) →', domain: [1, Math.max(2, n)], grid: true, ticks: Math.min(n, 8), tickFormat: 'd' },
    y: { domain: data.map((d) => d.locality), label: null },
    marks: [
      Plot.ruleY(data, { y: 'locality', x1: 'lo', x2: 'hi', stroke: '#505a5f', strokeWidth: 4, strokeLinecap: 'round' }),
      Plot.dot(data, { y: 'locality', x: 'mid', fill: '#ffffff', stroke: '#0b0c0c', r: 5, strokeWidth: 2, title: (d) => `median rank ${d.mid}` }),
      Plot.dot(data, { y: 'locality', x: 'rank', fill: '#0b0c0c', r: 3, title: (d) => `rank ${d.rank}` }),
    ],
  });
}

export interface CoveragePoint { date: Date; label: string; series: string; share: number }

/** coverageChart draws cumulative shares reached over the rollout, one line per series. */
export function coverageChart(Plot: PlotLib, points: CoveragePoint[], width: number, opts: { current?: Date | null; colours: Record<string, string> }) {
  const series = [...new Set(points.map((p) => p.series))];
  return Plot.plot({
    width,
    height: 240,
    marginLeft: 48,
    marginRight: 16,
    marginBottom: 40,
    style: { fontFamily: font, fontSize: '13px', color: '#0b0c0c', background: 'transparent' },
    x: { type: 'utc', label: null, tickFormat: '%b %Y', ticks: Math.max(2, Math.min(6, Math.floor(width / 110))) },
    y: { label: 'Share reached (%)', domain: [0, 100], grid: true, transform: (v: number) => v * 100 },
    color: { domain: series, range: series.map((s) => opts.colours[s] ?? '#0b0c0c'), legend: true },
    marks: [
      Plot.ruleY([0]),
      Plot.line(points, { x: 'date', y: 'share', stroke: 'series', strokeWidth: 2.5, curve: 'step-after' }),
      Plot.dot(points, { x: 'date', y: 'share', fill: 'series', r: 3.5, symbol: 'series', title: (p) => `${p.label}: ${p.series} ${(p.share * 100).toFixed(0)} %` }),
      ...(opts.current ? [Plot.ruleX([opts.current], { stroke: '#0b0c0c', strokeDasharray: '4,3' })] : []),
    ],
  });
}
