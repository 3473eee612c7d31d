import type { CommentRedaction } from './helpdesk.types';

/**
 * Issue 12: the text-walking the connectors share for redactComment (pure). Nothing here keeps or logs the text.
 */

/** `text` with each span replaced by `replace(span text, span)`; spans are sorted and never overlap (the detector's). */
export function replaceSpans(
  text: string,
  spans: readonly CommentRedaction[],
  replace: (inner: string, s: CommentRedaction) => string,
): string {
  let out = '';
  let at = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start < at || s.end > text.length || s.end <= s.start) continue;
    out += text.slice(at, s.start) + replace(text.slice(s.start, s.end), s);
    at = s.end;
  }
  return out + text.slice(at);
}

/**
 * Zendesk `html_body` with `<redact>` around every span `find` reports in each run of text between tags (Zendesk:
 * "wrap the content you want redacted in <redact> tags"; the characters are replaced by ▇). Text split by markup
 * (a card number half in bold) is scanned per run. undefined when nothing is found.
 */
export function markZendeskHtml(html: string, find: (text: string) => readonly CommentRedaction[]): string | undefined {
  let isFound = false;
  const out = html
    .split(/(<[^>]*>)/)
    .map((part) => {
      if (part.startsWith('<')) return part;
      const spans = find(part);
      if (spans.length === 0) return part;
      isFound = true;
      return replaceSpans(part, spans, (inner) => `<redact>${inner}</redact>`);
    })
    .join('');
  return isFound ? out : undefined;
}

type AdfNode = { type?: unknown; text?: unknown; content?: unknown } & Record<string, unknown>;

/** An ADF document with each text node's spans replaced by their placeholders; undefined when nothing is found. */
export function redactAdf(doc: unknown, find: (text: string) => readonly CommentRedaction[]): unknown {
  let isFound = false;
  const walk = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
    const n = node as AdfNode;
    const copy: AdfNode = { ...n };
    if (n.type === 'text' && typeof n.text === 'string') {
      const spans = find(n.text);
      if (spans.length > 0) {
        isFound = true;
        copy.text = replaceSpans(n.text, spans, (_inner, s) => s.placeholder);
      }
    }
    if (Array.isArray(n.content)) copy.content = n.content.map(walk);
    return copy;
  };
  const out = walk(doc);
  return isFound ? out : undefined;
}
