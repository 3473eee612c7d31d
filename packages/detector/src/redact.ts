import type { Finding } from './types';

export type Placeholder = string | ((finding: Finding) => string);

/** The default replacement: the masked preview in brackets, e.g. "[•••• 4242]", "[password: ••••••]". */
export function defaultPlaceholder(finding: Finding): string {
  return `[${finding.preview}]`;
}

/**
 * The text with every finding's span replaced by a placeholder — what a desk comment is rewritten to. Findings may
 * come in any order and may overlap (text already replaced is not replaced again; the part of a later finding that
 * reaches past it gets its own placeholder); spans outside the text are clamped.
 */
export function redact(text: string, findings: readonly Finding[], placeholder: Placeholder = defaultPlaceholder): string {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  for (const f of sorted) {
    const start = Math.max(at, Math.min(f.start, text.length));
    const end = Math.max(start, Math.min(f.end, text.length));
    if (end <= at) continue;
    out += text.slice(at, start) + (typeof placeholder === 'string' ? placeholder : placeholder(f));
    at = end;
  }
  return out + text.slice(at);
}
