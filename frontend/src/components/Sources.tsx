// Where the data come from, with the attribution lines their licences require.

import { datasets } from '../store';
import { attributionLines } from '../lib/attribution';

export function Sources() {
  const ds = datasets.value;
  if (!ds.length) return null;
  const lines = attributionLines(ds.map((d) => d.attribution ?? ''));
  return (
    <details class="govuk-details pp-sources">
      <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Sources and licences</span></summary>
      <div class="govuk-details__text">
        <ul class="govuk-list govuk-list--bullet govuk-body-s">
          {lines.map((l) => <li key={l}>{l}</li>)}
        </ul>
        <table class="govuk-table govuk-table--small-text-until-tablet">
          <caption class="govuk-table__caption govuk-table__caption--s">Datasets loaded</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">File</th>
              <th scope="col" class="govuk-table__header">Publisher and licence</th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {ds.map((d) => (
              <tr class="govuk-table__row" key={d.id}>
                <th scope="row" class="govuk-table__cell pp-table__rowhead">{d.source}<br /><span class="pp-muted">{d.format}</span></th>
                <td class="govuk-table__cell">{d.publisher}<br /><span class="pp-muted">{d.licence}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
