// A chart drawn with Observable Plot, captioned, with its data as a table
// (and CSV) for anyone who cannot see it.

import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { loadPlot, type PlotLib } from '../views/charts';

interface Props {
  caption: string;
  /** draw returns the chart element (Plot.plot(…)) for the given width */
  draw: (Plot: PlotLib, width: number) => SVGSVGElement | HTMLElement;
  /** the table alternative */
  children: ComponentChildren;
  deps: unknown[];
  id?: string;
}

export function Figure({ caption, draw, children, deps, id }: Props) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let Plot: PlotLib | null = null;
    let width = 0;
    let gone = false;
    const render = () => {
      const w = Math.max(260, el.clientWidth);
      if (!Plot || gone || w === width) return;
      width = w;
      const chart = draw(Plot, w);
      // The chart is one image with a caption and a table beside it: the
      // labels Plot puts on its parts would be read as stray fragments.
      for (const e of chart.querySelectorAll('[aria-label], [aria-description]')) {
        e.removeAttribute('aria-label');
        e.removeAttribute('aria-description');
      }
      chart.setAttribute('role', 'img');
      chart.setAttribute('aria-label', caption);
      el.replaceChildren(chart);
    };
    loadPlot().then((p) => { Plot = p; render(); });
    const ro = new ResizeObserver(() => render());
    ro.observe(el);
    return () => { gone = true; ro.disconnect(); };
  }, deps);
  return (
    <figure class="pp-figure" id={id}>
      <figcaption class="govuk-body-s govuk-!-font-weight-bold">{caption}</figcaption>
      <div ref={box} class="pp-figure__chart" />
      <details class="govuk-details pp-details">
        <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Show the chart's data as a table</span></summary>
        <div class="govuk-details__text">{children}</div>
      </details>
    </figure>
  );
}
