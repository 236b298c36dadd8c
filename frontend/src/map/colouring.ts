// Turning values into map colours and legends: graduated classes from the
// server's breaks, and categories (a site's catchment, a rollout phase, a
// comparison). Pure functions, unit-tested.

import { classLabels, classOf } from '../lib/classify';
import { value as fmtValue } from '../lib/format';
import type { AreaNeed, Breaks } from '../types';
import type { Colouring } from './controller';
import type { LegendModel } from '../components/Legend';

/** A row of the map's table alternative. */
export interface AreaRow { code: string; value: number | string | null; label: string }

export interface Layer {
  colouring: Colouring;
  legend: LegendModel;
  rows: AreaRow[];
  /** what a value is, for the table's heading */
  valueLabel: string;
}

/**
 * Okabe and Ito's colour-blind-safe qualitative palette, without black
 * (kept for outlines and sites), then Paul Tol's bright scheme for more.
 */
export const qualitative = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7',
  '#4477AA', '#EE6677', '#228833', '#CCBB44', '#66CCEE', '#AA3377'];

// Viridis, sampled: perceptually uniform and colour-blind safe.
const viridisStops = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];

/** sequential gives n colours from viridis, darkest first. */
export function sequential(n: number): string[] {
  if (n <= 0) return [];
  if (n === 1) return [viridisStops[0]];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = (i / (n - 1)) * (viridisStops.length - 1);
    out.push(viridisStops[Math.round(t)]);
  }
  return out;
}

/**
 * graduated colours areas by the class of their value among the server's
 * breaks, with its colours (which run towards more need) and a legend
 * whose classes read from most need down, so the darkest comes first.
 */
export function graduated(values: ReadonlyMap<string, number>, b: Breaks, opts: {
  title: string; withheld?: readonly string[]; fmt?: (v: number) => string;
  /** more to say of an area, e.g. its need rank */
  more?: (code: string) => string;
}): Layer {
  const fmt = opts.fmt ?? fmtValue;
  const classOfCode = new Map<string, number>();
  const labels = classLabels(b.breaks, fmt);
  const counts = new Array(labels.length).fill(0);
  const rows: AreaRow[] = [];
  for (const [code, v] of values) {
    const k = classOf(v, b.breaks);
    if (k === null) continue;
    classOfCode.set(code, k);
    counts[k]++;
    rows.push({ code, value: v, label: labels[k] });
  }
  for (const code of opts.withheld ?? []) rows.push({ code, value: null, label: 'withheld (small number)' });
  const n = labels.length;
  const worse = b.direction !== 'higher_is_better';
  // The palette runs from the lowest class to the highest and is already
  // reversed by the server when higher is better; list the most need first.
  const order = [...labels.keys()];
  const needOrder = worse ? order.reverse() : order;
  const describe = (code: string) => {
    const v = values.get(code);
    if (v === undefined) return opts.withheld?.includes(code) ? `${b.name}: withheld (small number)` : `${b.name}: no value`;
    const k = classOfCode.get(code)!;
    const rank = worse ? n - k : k + 1; // 1 = the class of most need
    const more = opts.more?.(code);
    return `${b.name}: ${fmt(v)} (class ${rank} of ${n}, ${rank === 1 ? 'most need' : rank === n ? 'least need' : labels[k]})${more ? `; ${more}` : ''}`;
  };
  return {
    colouring: { colours: b.colors, classOf: classOfCode, describe },
    legend: {
      title: opts.title,
      subtitle: `${b.unit ? `${b.unit}; ` : ''}${b.method_label || b.method}, ${n} classes. Darkest: most need.`,
      items: needOrder.map((k) => ({ colour: b.colors[k], label: labels[k], count: counts[k] })),
      noData: b.suppressed ? `No value, or withheld as a small number (${b.suppressed})` : 'No value',
      note: b.notes?.join(' '),
    },
    rows,
    valueLabel: b.name,
  };
}

/**
 * categorical colours areas by a category (a site, a phase), in the given
 * order, each its own colour; areas in no category stay white.
 */
export function categorical(cats: ReadonlyMap<string, string>, order: readonly string[], opts: {
  title: string; subtitle?: string; colours?: readonly string[]; noData: string; valueLabel: string;
  describe?: (code: string, cat: string | undefined) => string;
}): Layer {
  const colours = opts.colours ?? qualitative;
  const index = new Map(order.map((c, i) => [c, i]));
  const classOfCode = new Map<string, number>();
  const counts = new Array(order.length).fill(0);
  const rows: AreaRow[] = [];
  for (const [code, c] of cats) {
    const k = index.get(c);
    if (k === undefined) continue;
    classOfCode.set(code, k);
    counts[k]++;
    rows.push({ code, value: c, label: c });
  }
  const describe = opts.describe ?? ((_code: string, c?: string) => (c ? `${opts.valueLabel}: ${c}` : opts.noData));
  return {
    colouring: {
      colours: order.map((_, i) => colours[i % colours.length]),
      classOf: classOfCode,
      describe: (code) => describe(code, cats.get(code)),
    },
    legend: {
      title: opts.title,
      subtitle: opts.subtitle,
      items: order.map((c, i) => ({ colour: colours[i % colours.length], label: c, count: counts[i] })),
      noData: opts.noData,
    },
    rows,
    valueLabel: opts.valueLabel,
  };
}

/** needDetail says where an area stands under a scenario: its rank and its locality's. */
export function needDetail(areas: readonly AreaNeed[]): (code: string) => string {
  const by = new Map(areas.map((a) => [a.code, a]));
  const n = areas.filter((a) => a.need_rank !== null).length;
  return (code) => {
    const a = by.get(code);
    if (!a || a.need_rank === null) return '';
    const loc = a.locality ? `, in ${a.locality}${a.locality_need_rank ? ` (locality ranked ${a.locality_need_rank})` : ''}` : '';
    return `ranked ${a.need_rank} of ${n} by need${loc}`;
  };
}
