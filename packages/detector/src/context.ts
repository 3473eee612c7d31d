// Keyword context: is one of a set of words within a window before (or after) a span? Windows are bounded, so the
// cost per candidate is constant and the whole scan stays linear.

export function before(text: string, start: number, window: number): string {
  return text.slice(Math.max(0, start - window), start);
}

export function after(text: string, end: number, window: number): string {
  return text.slice(end, end + window);
}

/** Word-ish regexp from alternatives: letters on either side must not continue the word (works for accented text). */
export function keywords(words: readonly string[], flags = 'iu'): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.join('|')})(?![\\p{L}])`, flags);
}
