// A GOV.UK-styled table with a caption and a CSV download: the table
// alternative every map and chart offers.

import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { download, fileName, toCSV, type Cell } from '../lib/csv';

export interface Column<R> {
  key: string;
  label: string;
  numeric?: boolean;
  /** value is what goes in the CSV (and the cell, unless render is given) */
  value: (r: R) => Cell;
  render?: (r: R) => ComponentChildren;
  /** hidden columns go in the CSV only */
  hidden?: boolean;
}

interface Props<R> {
  caption: string;
  columns: Column<R>[];
  rows: R[];
  rowKey: (r: R) => string;
  /** at most this many rows until the user asks for all */
  limit?: number;
  small?: boolean;
  csvName?: string;
}

export function DataTable<R>({ caption, columns, rows, rowKey, limit = 50, small = true, csvName }: Props<R>) {
  const [all, setAll] = useState(false);
  const shown = all ? rows : rows.slice(0, limit);
  const visible = columns.filter((c) => !c.hidden);
  const csv = () => download(csvName ?? fileName(caption), toCSV(columns.map((c) => c.key), rows.map((r) => columns.map((c) => c.value(r)))));
  return (
    <div class="pp-table">
      <div class="pp-table__scroll" tabIndex={0} role="region" aria-label={caption}>
        <table class={`govuk-table${small ? ' govuk-table--small-text-until-tablet' : ''}`}>
          <caption class="govuk-table__caption govuk-table__caption--s">{caption}</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              {visible.map((c) => (
                <th scope="col" class={`govuk-table__header${c.numeric ? ' govuk-table__header--numeric' : ''}`} key={c.key}>{c.label}</th>
              ))}
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {shown.map((r) => (
              <tr class="govuk-table__row" key={rowKey(r)}>
                {visible.map((c, i) => {
                  const content = c.render ? c.render(r) : fmtCell(c.value(r));
                  const cls = `govuk-table__cell${c.numeric ? ' govuk-table__cell--numeric' : ''}`;
                  return i === 0 ? <th scope="row" class={`${cls} pp-table__rowhead`} key={c.key}>{content}</th> : <td class={cls} key={c.key}>{content}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="pp-table__actions">
        {rows.length > limit && !all && (
          <button type="button" class="govuk-button govuk-button--secondary pp-button--small" onClick={() => setAll(true)}>
            Show all {rows.length} rows
          </button>
        )}
        <button type="button" class="govuk-button govuk-button--secondary pp-button--small" onClick={csv}>
          Download as CSV<span class="govuk-visually-hidden">: {caption}</span>
        </button>
      </div>
    </div>
  );
}

function fmtCell(v: Cell): string {
  if (v === null || v === undefined || v === '') return '–';
  if (typeof v === 'number') return Number.isFinite(v) ? v.toLocaleString('en-GB', { maximumFractionDigits: 3 }) : '–';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  return v;
}
