// CSV for the tables' downloads (RFC 4180), safe to open in Excel.

export type Cell = string | number | boolean | null | undefined;

/**
 * toCSV writes a header and rows as CSV with CRLF line ends. Cells holding
 * commas, quotes or line breaks are quoted; text that a spreadsheet would
 * run as a formula (starting =, +, -, @, tab or CR) is prefixed with an
 * apostrophe, as OWASP advises, so a downloaded table cannot run code.
 * Numbers are written as they are, so negative numbers stay numbers.
 */
export function toCSV(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cell = (c: Cell): string => {
    if (c === null || c === undefined) return '';
    if (typeof c === 'number') return Number.isFinite(c) ? String(c) : '';
    if (typeof c === 'boolean') return c ? 'true' : 'false';
    let s = c;
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** download offers text to the user as a file named name. */
export function download(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** fileName makes a safe file name from a title: "Ranked localities" → "ranked-localities.csv". */
export function fileName(title: string, ext = 'csv'): string {
  const base = title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${base || 'table'}.${ext}`;
}
