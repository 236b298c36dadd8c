// The attribution statements the licences require, merged for display.

/**
 * attributionLines merges the datasets' attribution statements, which
 * repeat sentences ("Source: Office for National Statistics …"), into
 * each sentence once, in the order first seen.
 */
export function attributionLines(statements: string[]): string[] {
  const seen = new Set<string>();
  for (const st of statements) {
    for (const sentence of st.split(/(?<=\.)\s+(?=[A-Z©])/)) {
      const t = sentence.trim();
      if (t) seen.add(t);
    }
  }
  return [...seen];
}
