/** Words of a text as the vocabulary stores them: lower case, letters and digits, at least 3 characters. */
export function vocabularyWords(text: string): string[] {
  return [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [])];
}

const MIN_PART = 4;
const MIN_COMPOUND = 2 * MIN_PART;

/** Every way to read `word` as two parts, with the linking -s-/-es-/-n- and a dropped final -e (Sprach|erkennung ← Sprache). */
export function compoundCandidates(word: string): Array<[string[], string]> {
  const candidates: Array<[string[], string]> = [];
  if (word.length < MIN_COMPOUND) return candidates;
  for (let i = MIN_PART; i <= word.length - MIN_PART; i++) {
    const left = word.slice(0, i);
    const right = word.slice(i);
    const lefts = new Set([left, `${left}e`]);
    for (const link of ['s', 'es', 'n', 'en']) {
      if (left.endsWith(link) && left.length - link.length >= MIN_PART - 1) lefts.add(left.slice(0, -link.length));
    }
    candidates.push([[...lefts], right]);
  }
  return candidates;
}

/** Splits a German compound into two words the vocabulary knows, or returns null (the longest right part wins). */
export function splitCompound(word: string, known: ReadonlySet<string>): [string, string] | null {
  for (const [lefts, right] of compoundCandidates(word)) {
    if (!known.has(right)) continue;
    const left = lefts.find((candidate) => known.has(candidate));
    if (left !== undefined) return [left, right];
  }
  return null;
}

/** All words the vocabulary would have to contain for any split of any of `words`. */
export function compoundParts(words: string[]): string[] {
  const parts = new Set<string>();
  for (const word of words) {
    for (const [lefts, right] of compoundCandidates(word)) {
      parts.add(right);
      for (const left of lefts) parts.add(left);
    }
  }
  return [...parts];
}
