// Assigning values to the legend classes the server computed.

/**
 * classOf returns the class of v among breaks, which follow the server's
 * convention (scoring/classify): the minimum, then each class's inclusive
 * upper bound. Values below the minimum fall in the first class and above
 * the last bound in the last; a missing value has no class (null).
 */
export function classOf(v: number | null | undefined, breaks: readonly number[]): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  const classes = breaks.length - 1;
  if (classes < 1) return null;
  for (let k = 1; k < breaks.length; k++) {
    if (v <= breaks[k]) return k - 1;
  }
  return classes - 1;
}

/** classLabels gives each class its range, "12.3 to 18.9", formatting bounds with fmt. */
export function classLabels(breaks: readonly number[], fmt: (v: number) => string): string[] {
  const out: string[] = [];
  for (let k = 1; k < breaks.length; k++) {
    out.push(`${fmt(breaks[k - 1])} to ${fmt(breaks[k])}`);
  }
  return out;
}
