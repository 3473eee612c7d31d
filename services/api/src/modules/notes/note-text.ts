import { z } from 'zod';
import { maskIdentifiers } from '../../lib/mask';
import {
  VERIFICATION_NOTE_ACTIONS,
  VerificationNoteFactsSchema,
  renderVerificationNote,
  type VerificationNoteAction,
  type VerificationNoteFacts,
} from './verification-note-text';
import {
  REDACTION_NOTE_ACTIONS,
  RedactionNoteFactsSchema,
  renderRedactionNote,
  type RedactionNoteAction,
  type RedactionNoteFacts,
} from './redaction-note-text';
import { LIFECYCLE_NOTE_ACTION, LifecycleNoteFactsSchema, renderLifecycleNote, type LifecycleNoteFacts } from './lifecycle-note-text';
import {
  DOCUMENT_NOTE_ACTIONS,
  DocumentNoteFactsSchema,
  renderDocumentNote,
  type DocumentNoteAction,
  type DocumentNoteFacts,
} from './document-note-text';
import {
  DRAFT_FINDINGS_NOTE_ACTION,
  DraftFindingsNoteFactsSchema,
  renderDraftFindingsNote,
  type DraftFindingsNoteAction,
  type DraftFindingsNoteFacts,
} from './draft-findings-note-text';

/**
 * The text of an internal note. Outbox rows hold structured, already-masked facts (written by SQL
 * in the same statement as the audit event); this renders them at delivery, masking again on the
 * way out. A note never carries content, keys, passphrases or revoke tokens: they are not facts
 * the outbox has.
 */

export const NOTE_ACTIONS = ['sent', 'viewed', 'expired', 'revoked'] as const;
export type NoteAction = (typeof NOTE_ACTIONS)[number];

const Iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a time');

export const NoteFactsSchema = z.object({
  /** Display name of who acted: the sender (sent, viewed, expired) or the revoker. */
  agent: z.string(),
  /** When it happened (the audit event's time). */
  at: Iso,
  fingerprint: z.string().regex(/^[0-9a-f]{8}$/),
  kind: z.enum(['text', 'file']),
  viewsTotal: z.number().int().min(1),
  viewsUsed: z.number().int().min(0),
  expiresAt: Iso,
  label: z.string().nullish(),
});
export type NoteFacts = z.infer<typeof NoteFactsSchema>;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Link-looking text is defanged the way security notes write indicators (`https[:]//…`, `www[.]…`),
 * so no desk's autolinker turns a name or label into a link. The desk's escaper (its connector's
 * `escapeNoteText`) then makes the brackets, and every other markup character, inert.
 */
export function defangLinks(value: string): string {
  return value.replace(/([a-z][a-z0-9+.-]*):(?=\/\/)/gi, '$1[:]').replace(/\bwww\./gi, 'www[.]');
}

/**
 * Free text from agents and desks (names, labels, reasons): one line, bounded, identifiers masked,
 * links defanged, and no UUIDs, so text can never imitate another note's receipt (findNote matches
 * receipts). Not yet escaped for a desk: see `NoteEscaper`.
 */
export function cleanText(value: string, max = 80): string {
  const oneLine = value
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const masked = defangLinks(maskIdentifiers(oneLine.replace(UUID, '[id]')));
  return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}

/** A desk's way of making outside text inert in its note format (HelpdeskConnector.escapeNoteText). */
export type NoteEscaper = (fragment: string) => string;
const asIs: NoteEscaper = (s) => s;

/** `2026-11-25 16:20 UTC` */
export function formatUtc(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function headline(action: NoteAction, f: NoteFacts): string {
  switch (action) {
    case 'sent':
      return 'Secret sent';
    case 'viewed':
      return f.viewsUsed >= f.viewsTotal ? 'Secret viewed and purged' : `Secret viewed ${f.viewsUsed} of ${f.viewsTotal}`;
    case 'expired':
      return f.viewsUsed === 0 ? 'Secret expired (purged unread)' : `Secret expired (purged after ${f.viewsUsed} of ${f.viewsTotal} views)`;
    case 'revoked':
      return 'Secret revoked';
  }
}

export function renderNote(action: NoteAction, facts: NoteFacts, receipt: string, escape: NoteEscaper = asIs): string {
  const who = action === 'viewed' || action === 'expired' ? 'Sent by' : 'Agent';
  const clean = (s: string) => escape(cleanText(s));
  const lines = [
    `Vouchsafe · ${headline(action, facts)}`,
    `${who}: ${clean(facts.agent) || 'unknown'}`,
    `Time: ${formatUtc(facts.at)}`,
    `Secret: fingerprint ${facts.fingerprint} (${facts.kind}, ${plural(facts.viewsTotal, 'view')}, expires ${formatUtc(facts.expiresAt)})`,
  ];
  if (facts.label) lines.push(`Label: ${clean(facts.label)}`);
  lines.push(`Receipt: ${receipt}`);
  return lines.join('\n');
}

export type ParsedNote =
  | { action: NoteAction; facts: NoteFacts }
  | { action: VerificationNoteAction; facts: VerificationNoteFacts; isVerification: true }
  // Issue 12: a secret found in a desk comment (reported / redacted / not redacted).
  | { action: RedactionNoteAction; facts: RedactionNoteFacts; isRedaction: true }
  /** Issue 12: a ticket was closed or merged and its outstanding items ended. */
  | { action: typeof LIFECYCLE_NOTE_ACTION; facts: LifecycleNoteFacts; isLifecycle: true }
  /** Issue 11: a document request's steps (requested, received, reviewed, revoked, expired, cancelled). */
  | { action: DocumentNoteAction; facts: DocumentNoteFacts; isDocument: true }
  /** Issue 12: a reply sent after the save hook's warning. */
  | { action: DraftFindingsNoteAction; facts: DraftFindingsNoteFacts; isDraftFindings: true };

/** Parses a stored row; undefined when it cannot be rendered (the row is then marked failed). */
export function parseNote(action: string, note: unknown): ParsedNote | undefined {
  if (action === DRAFT_FINDINGS_NOTE_ACTION) {
    const facts = DraftFindingsNoteFactsSchema.safeParse(note);
    return facts.success ? { action: DRAFT_FINDINGS_NOTE_ACTION, facts: facts.data, isDraftFindings: true } : undefined;
  }
  if (action === LIFECYCLE_NOTE_ACTION) {
    const facts = LifecycleNoteFactsSchema.safeParse(note);
    return facts.success ? { action: LIFECYCLE_NOTE_ACTION, facts: facts.data, isLifecycle: true } : undefined;
  }
  const v = VERIFICATION_NOTE_ACTIONS.find((x) => x === action);
  if (v) {
    const facts = VerificationNoteFactsSchema.safeParse(note);
    return facts.success ? { action: v, facts: facts.data, isVerification: true } : undefined;
  }
  const r = REDACTION_NOTE_ACTIONS.find((x) => x === action);
  if (r) {
    const facts = RedactionNoteFactsSchema.safeParse(note);
    return facts.success ? { action: r, facts: facts.data, isRedaction: true } : undefined;
  }
  const d = DOCUMENT_NOTE_ACTIONS.find((x) => x === action);
  if (d) {
    const facts = DocumentNoteFactsSchema.safeParse(note);
    return facts.success ? { action: d, facts: facts.data, isDocument: true } : undefined;
  }
  const a = NOTE_ACTIONS.find((x) => x === action);
  const facts = NoteFactsSchema.safeParse(note);
  return a && facts.success ? { action: a, facts: facts.data } : undefined;
}

/**
 * The text of any parsed outbox row (secret steps and verification steps), with every fragment of
 * outside text cleaned and then escaped for the desk the note goes to.
 */
export function renderParsedNote(parsed: ParsedNote, receipt: string, escape: NoteEscaper = asIs): string {
  if ('isDraftFindings' in parsed) {
    return renderDraftFindingsNote(parsed.facts, receipt, (s, max) => escape(cleanText(s, max)), formatUtc);
  }
  if ('isRedaction' in parsed) return renderRedactionNote(parsed.action, parsed.facts, receipt, formatUtc);
  if ('isLifecycle' in parsed) return renderLifecycleNote(parsed.facts, receipt, (s) => escape(cleanText(s)), formatUtc);
  if ('isVerification' in parsed) {
    return renderVerificationNote(parsed.action, parsed.facts, receipt, (s, max) => escape(cleanText(s, max)), formatUtc);
  }
  if ('isDocument' in parsed) {
    return renderDocumentNote(parsed.action, parsed.facts, receipt, (s) => escape(cleanText(s)), formatUtc);
  }
  return renderNote(parsed.action, parsed.facts, receipt, escape);
}
