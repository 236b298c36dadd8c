// The map's legend: each class's colour and range with its count, the
// method, and what white means.

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
    <section class="pp-legend" aria-labelledby={`${id}-legend`}>
      <h2 class="pp-legend__title" id={`${id}-legend`}>{model.title}</h2>
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
          <li>
            <span class="pp-swatch" style={{ background: ink.noData, borderColor: ink.noDataLine }} aria-hidden="true" />
            <span>{model.noData}</span>
          </li>
        )}
      </ul>
    </section>
  );
}
