// Moving the map to a scenario's part of the country when it is opened.

import { useEffect } from 'preact/hooks';
import { maps } from '../App';
import { draft, plan, url } from '../store';
import type { PlanCandidate } from '../types';

let fittedFor = '';
// A link that names a map position keeps it: the first scenario opened is not fitted.
let keepPosition = Boolean(url.value.map);

/** candidateBounds is the box round a plan's candidate sites, with a margin for their catchments. */
export function candidateBounds(cands: readonly PlanCandidate[], marginDeg = 0.12): [number, number, number, number] | null {
  if (!cands.length) return null;
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const c of cands) {
    w = Math.min(w, c.lon); e = Math.max(e, c.lon);
    s = Math.min(s, c.lat); n = Math.max(n, c.lat);
  }
  return [w - marginDeg, s - marginDeg, e + marginDeg, n + marginDeg];
}

/**
 * fitOnce fits the main map to bb the first time key is seen — unless the
 * page was opened from a link naming a map position, which it keeps.
 */
export function fitOnce(key: string, bb: [number, number, number, number] | null): void {
  if (!bb || key === fittedFor || !maps.main) return;
  fittedFor = key;
  if (keepPosition) {
    keepPosition = false;
    return;
  }
  maps.main.fit(bb, 11);
}

/** useFitToScenario fits the main map to the open scenario's candidate sites, once per scenario opened. */
export function useFitToScenario(): void {
  const d = draft.value;
  const p = plan.value;
  useEffect(() => {
    if (d && p?.candidates) fitOnce(`${d.id}@${d.revision}`, candidateBounds(p.candidates));
  }, [d?.id, d?.revision, p]);
}
