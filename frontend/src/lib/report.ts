// The board paper and the analysts' files a saved scenario can be
// exported as, and the small pure pieces of asking the server for one.

/** ReportFormat is one export: the server's name for it and how to offer it. */
export interface ReportFormat { key: string; label: string; hint: string }

/** REPORT_FORMATS are the exports, the board paper's first. */
export const REPORT_FORMATS: readonly ReportFormat[] = [
  { key: 'pdf', label: 'Board paper (PDF)', hint: 'Accessible, tagged A4 paper with a front sheet, maps and appendices' },
  { key: 'docx', label: 'Board paper (Word)', hint: 'To paste into your council’s own template' },
  { key: 'html', label: 'Board paper (web page)', hint: 'One self-contained page' },
  { key: 'xlsx', label: 'Tables (Excel)', hint: 'Localities, small areas, sites and phases, with notes' },
  { key: 'csv', label: 'Tables (CSV, zipped)', hint: 'The same tables, one CSV file each' },
  { key: 'gpkg', label: 'Layers (GeoPackage)', hint: 'For QGIS: areas with results, localities, sites, catchments' },
  { key: 'geojson', label: 'Layers (GeoJSON)', hint: 'Areas, sites and catchments in WGS84' },
  { key: 'pmtiles', label: 'Map tiles (PMTiles)', hint: 'The map’s layers as one file for any static web host' },
];

/** reportURL is the route of one export of scenario ref (id or id@revision). */
export function reportURL(ref: string, format: string, compare?: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%40/g, '@');
  const q = compare ? `?compare=${enc(compare)}` : '';
  return `/api/v1/scenarios/${enc(ref)}/report.${format}${q}`;
}

/** filenameOf reads the file name a Content-Disposition header gives,
 * preferring the RFC 5987 filename* form; null when it names none. */
export function filenameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // fall back to the plain form
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"/i.exec(disposition) ?? /filename\s*=\s*([^;]+)/i.exec(disposition);
  return plain ? plain[1].trim() : null;
}

/** retryAfterMs reads a Retry-After header in seconds (1 s when absent
 * or odd, at most 10 s). */
export function retryAfterMs(header: string | null): number {
  const s = Number(header);
  if (!Number.isFinite(s) || s <= 0) return 1000;
  return Math.min(s, 10) * 1000;
}
