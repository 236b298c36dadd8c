// One map on the page: a MapController in a region with its legend, the
// keys it answers to, and its areas as a list and a table.

import { useEffect, useRef, useState } from 'preact/hooks';
import { MapController, type AreaRef } from '../map/controller';
import { Legend } from './Legend';
import { DataTable } from './DataTable';
import { announce, config, datasets, loadAreaNames } from '../store';
import type { MapContent } from '../store';
import type { AreaRow } from '../map/colouring';
import { attributionLines } from '../lib/attribution';
import { sessionEnded } from '../api';

interface Props {
  id: string;
  content: MapContent;
  geography: string;
  selected: string | null;
  position?: { zoom: number; lat: number; lon: number } | null;
  onMove?: (p: { zoom: number; lat: number; lon: number }) => void;
  onSelect: (a: AreaRef, how: 'pointer' | 'keyboard' | 'list') => void;
  onCandidate?: (id: string) => void;
  onReady?: (c: MapController) => void;
  /** onGone is called before the map is destroyed */
  onGone?: () => void;
  heading?: string;
}

export function MapPane({ id, content, geography, selected, position, onMove, onSelect, onCandidate, onReady, onGone, heading }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const ctl = useRef<MapController | null>(null);
  const [list, setList] = useState<AreaRef[] | null>(null);
  const [table, setTable] = useState<(AreaRow & { name: string; district: string })[] | null>(null);
  // Handlers change with each render; the controller calls the latest.
  const handlers = useRef({ onMove, onSelect, onCandidate });
  handlers.current = { onMove, onSelect, onCandidate };

  useEffect(() => {
    const cfg = config.value!;
    const attribution = attributionLines(datasets.value.map((d) => d.attribution ?? ''));
    const c = new MapController({
      container: box.current!,
      origin: location.origin,
      geography,
      bounds: cfg.bounds,
      basemapStyle: cfg.basemap_style,
      position,
      label: content.label,
      helpId: `${id}-keys`,
      attribution,
      onMove: (p) => handlers.current.onMove?.(p),
      onSelect: (a, how) => handlers.current.onSelect(a, how),
      onCandidate: (cid) => handlers.current.onCandidate?.(cid),
      onAnnounce: announce,
      onUnauthorized: sessionEnded,
      onIdle: () => {
        box.current?.setAttribute('data-idle', 'true');
        (window as unknown as { __placeplan?: Record<string, unknown> }).__placeplan ??= {};
        const w = (window as unknown as { __placeplan: Record<string, unknown> }).__placeplan;
        if (!w.firstIdleMs && c.map.loaded()) w.firstIdleMs = Math.round(performance.now());
      },
    });
    c.map.on('movestart', () => box.current?.setAttribute('data-idle', 'false'));
    ctl.current = c;
    onReady?.(c);
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(box.current!);
    return () => {
      ro.disconnect();
      onGone?.();
      c.destroy();
      ctl.current = null;
    };
  }, []);

  useEffect(() => { ctl.current?.setGeography(geography); }, [geography]);
  useEffect(() => {
    box.current?.setAttribute('data-idle', 'false');
    ctl.current?.setColouring(content.layer?.colouring ?? null);
    setTable(null);
  }, [content.layer]);
  useEffect(() => { ctl.current?.setCandidates(content.candidates); }, [content.candidates]);
  useEffect(() => { ctl.current?.setSelected(selected); }, [selected]);
  useEffect(() => { ctl.current?.map.getCanvas().setAttribute('aria-label', content.label); }, [content.label]);

  const showList = () => {
    const areas = ctl.current?.areasInView() ?? [];
    setList(areas);
    announce(`${areas.length} areas in view, listed below the map.`);
  };
  const showTable = async () => {
    const rows = content.layer?.rows ?? [];
    const names = await loadAreaNames(geography);
    setTable(rows.map((r) => ({ ...r, ...(names.get(r.code) ?? { name: r.code, district: '' }) }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en-GB', { numeric: true })));
  };

  return (
    <section class="pp-mappane" aria-labelledby={`${id}-heading`}>
      <h2 class="govuk-visually-hidden" id={`${id}-heading`}>{heading ?? content.label}</h2>
      <div ref={box} class="pp-map" id={id} data-idle="false" />
      <p id={`${id}-keys`} class="govuk-visually-hidden">
        Arrow keys move the map, plus and minus zoom in and out. The area under the centre cross is read out; press Enter to open it.
        The areas in view can also be listed, and every area shown as a table.
      </p>
      <div class="pp-mappane__panel">
        <Legend model={content.layer?.legend ?? null} id={id} />
        <div class="pp-mappane__buttons">
          <button type="button" class="govuk-button govuk-button--secondary pp-button--small" onClick={showList}>List areas in view</button>
          {content.layer && (
            <button type="button" class="govuk-button govuk-button--secondary pp-button--small" onClick={showTable}>Map as a table</button>
          )}
        </div>
      </div>
      {list && (
        <div class="pp-mappane__list">
          <div class="pp-mappane__listhead">
            <h3 class="govuk-heading-s">Areas in view ({list.length})</h3>
            <button type="button" class="govuk-button govuk-button--secondary pp-button--small" onClick={() => setList(null)}>Close list</button>
          </div>
          <ul class="govuk-list pp-arealist">
            {list.slice(0, 300).map((a) => (
              <li key={a.code}>
                <button type="button" class="pp-linkbutton" onClick={() => onSelect(a, 'list')}>{a.name}</button>
                <span class="govuk-body-s"> {a.district} · {content.layer?.colouring.describe(a.code)}</span>
              </li>
            ))}
          </ul>
          {list.length > 300 && <p class="govuk-body-s">Zoom in to list the rest ({list.length - 300} more).</p>}
        </div>
      )}
      {table && content.layer && (
        <div class="pp-mappane__list">
          <div class="pp-mappane__listhead">
            <h3 class="govuk-heading-s">{content.layer.legend.title}: every area</h3>
            <button type="button" class="govuk-button govuk-button--secondary pp-button--small" onClick={() => setTable(null)}>Close table</button>
          </div>
          <DataTable
            caption={`${content.layer.legend.title}, by small area`}
            rows={table}
            rowKey={(r) => r.code}
            columns={[
              { key: 'name', label: 'Area', value: (r) => r.name },
              { key: 'code', label: 'Code', value: (r) => r.code },
              { key: 'district', label: 'District', value: (r) => r.district },
              { key: 'value', label: content.layer.valueLabel, numeric: true, value: (r) => r.value },
              { key: 'class', label: 'Class', value: (r) => r.label },
            ]}
          />
        </div>
      )}
    </section>
  );
}
