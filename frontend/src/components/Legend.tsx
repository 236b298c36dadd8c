// The map's legend: each class's colour and range with its count, the
// method, and what white means. It folds away to show more of the map.

import { ink } from '../map/style';

export interface LegendItem { colour: string; label: string; count?: number }

export interface LegendModel {
  title: string;
  subtitle?: string;
  items: LegendItem[];
  noData?: string; // what a white area means, e.g. "no value, or withheld as a small number"
  note?: string;
}

export function Legend({ model, id }: { model: LegendModel | null; id: string }) {
  if (!model) return null;
  return (
    <details class="pp-legend" open>
      <summary class="pp-legend__summary"><h2 class="pp-legend__title" id={`${id}-legend`}>{model.title}</h2></summary>
      {model.subtitle && <p class="govuk-body-s pp-legend__sub">{model.subtitle}</p>}
      <ul class="pp-legend__list">
        {model.items.map((it) => (
          <li key={it.label + it.colour}>
            <span class="pp-swatch" style={{ background: it.colour }} aria-hidden="true" />
            <span>{it.label}</span>
            {it.count !== undefined && <span class="pp-legend__count">{it.count.toLocaleString('en-GB')}</span>}
          </li>
        ))}
        {model.noData && (
          <li class="pp-legend__nodata">
            <span class="pp-swatch" style={{ background: ink.noData, borderColor: ink.noDataLine }} aria-hidden="true" />
            <span>{model.noData}</span>
          </li>
        )}
      </ul>
    </details>
  );
}
