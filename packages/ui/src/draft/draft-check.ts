import { parseSecretLink } from '@vouchsafe/crypto';
import { describeFinding, detect, findingFacts, kindLabel, type Finding, type FindingFacts, type FindingKind } from '@vouchsafe/detector';

/**
 * Issue 12, "Before it is sent": what the sidebar decides about a reply draft, in the browser (the draft never
 * leaves it for this). Pure functions; the save hook (use-draft-guard.ts) and the check box call them.
 */

export interface FindingSummary {
  kind: FindingKind;
  /** "card number", "IBAN", "password" … */
  label: string;
  count: number;
  /** The detector's masked previews (`•••• 4242`), distinct, in order. Never the text. */
  previews: string[];
}

export interface DraftCheck {
  findings: Finding[];
  /** What may be sent to the API for an audit (kind, a preview's tail, an IBAN's country). */
  facts: FindingFacts[];
  summary: FindingSummary[];
}

/** A URL in a reply (up to the next space or closing bracket/quote). */
const URL_IN_TEXT = /https?:\/\/[^\s<>"')\]]+/g;

function isSecretLink(url: string): boolean {
  try {
    parseSecretLink(url);
    return true;
  } catch {
    return false;
  }
}

/**
 * Findings inside a Vouchsafe secret link are not findings: its fragment IS a random key, and an id or tenant slug
 * that happens to spell "secret" or "token" would make the detector's high-entropy rule see a secret after it. Without
 * this, a reply whose card was just moved into a link could be held again for the link itself.
 */
function outsideSecretLinks(text: string, findings: Finding[]): Finding[] {
  const links = [...text.matchAll(URL_IN_TEXT)].filter((m) => isSecretLink(m[0]));
  if (links.length === 0) return findings;
  return findings.filter((f) => !links.some((m) => f.start < m.index + m[0].length && f.end > m.index));
}

export function checkDraft(text: string): DraftCheck {
  const findings = outsideSecretLinks(text, detect(text));
  return { findings, facts: findings.map(findingFacts), summary: summarise(findings) };
}

/** Kind + count + masked previews, in the order the kinds first appear. */
export function summarise(findings: readonly Finding[]): FindingSummary[] {
  const byKind = new Map<FindingKind, FindingSummary>();
  for (const f of findings) {
    const entry = byKind.get(f.kind) ?? {
      kind: f.kind,
      label: f.kind === 'card' ? 'card number' : kindLabel(f.kind),
      count: 0,
      previews: [],
    };
    entry.count += 1;
    if (!entry.previews.includes(f.preview)) entry.previews.push(f.preview);
    byKind.set(f.kind, entry);
  }
  return [...byKind.values()];
}

/**
 * The same findings, whatever the text around them: after "send anyway" the next save of a reply with exactly
 * these facts goes through once (so the sidebar keeps this key, not the text).
 */
export function factsKey(facts: readonly FindingFacts[]): string {
  return JSON.stringify(facts.map((f) => [f.kind, f.tail, f.country]));
}

export interface DraftSplit {
  /** The lines that hold a finding, joined with a newline: what goes into the one-time secret. */
  secretText: string;
  /** The reply with those lines taken out and `insert` (the link sentence) where the first of them was. */
  replyWith(insert: string): string;
}

/**
 * Moves the smallest useful unit into the secret: each LINE that holds (part of) a finding, so "Your temporary
 * password: X7#kq9!z" keeps its words around the value for the customer, while the greeting and the rest of the
 * reply stay in the ticket. A finding that spans lines (a private key) takes all of its lines.
 */
export function splitDraft(text: string, findings: readonly Finding[]): DraftSplit {
  const lines: Array<{ start: number; end: number; text: string }> = [];
  let start = 0;
  for (const line of text.split('\n')) {
    lines.push({ start, end: start + line.length, text: line });
    start += line.length + 1;
  }
  const isFlagged = lines.map((l) => findings.some((f) => f.start < Math.max(l.end, l.start + 1) && f.end > l.start));
  const secretText = lines
    .filter((_, i) => isFlagged[i])
    .map((l) => l.text.replace(/\r$/, ''))
    .join('\n');
  return {
    secretText,
    replyWith(insert: string): string {
      const out: string[] = [];
      let isInserted = false;
      lines.forEach((l, i) => {
        if (!isFlagged[i]) out.push(l.text);
        else if (!isInserted) {
          out.push(insert);
          isInserted = true;
        }
      });
      return out.join('\n');
    },
  };
}

/** "a card number ending 4242": the first finding of a check, for a sentence (masked facts only). */
export function describeFirst(check: DraftCheck): string {
  return check.facts[0] ? describeFinding(check.facts[0]) : '';
}
