import { before, keywords } from './context';
import { entropy } from './checksums';
import type { Candidate, FindingKind } from './types';

// Private keys, well-known token formats, and high-entropy strings next to a keyword. Every pattern starts with a
// lookbehind that refuses to start inside a run of its own characters, so a failed attempt is never retried from the
// middle of the same run: the scan stays linear even on a megabyte of token characters.

interface TokenRule {
  kind: FindingKind;
  pattern: RegExp;
  confidence: number;
  check?: (match: string, text: string, start: number) => boolean;
}

const B64URL = 'A-Za-z0-9_\\-';

function jwtHeaderHasAlg(match: string): boolean {
  const header = match.slice(0, match.indexOf('.'));
  try {
    const b64 = header.replace(/-/g, '+').replace(/_/g, '/');
    const json: unknown = JSON.parse(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)));
    return typeof json === 'object' && json !== null && typeof (json as Record<string, unknown>).alg === 'string';
  } catch {
    return false;
  }
}

const AWS_SECRET_WORDS = keywords([
  'aws_secret_access_key',
  'secret_access_key',
  'secretaccesskey',
  'aws secret',
  'secret access key',
  'secret key',
  'secret',
]);

const RULES: readonly TokenRule[] = [
  // AWS access key ids: AKIA (long-term), ASIA (temporary), and the other documented unique-id prefixes.
  {
    kind: 'aws_access_key',
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z2-7]{16}(?![A-Za-z0-9])/g,
    confidence: 0.95,
  },
  {
    kind: 'aws_secret_key',
    pattern: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    confidence: 0.93,
    check: (m, text, start) => /[A-Z]/.test(m) && /[a-z]/.test(m) && /\d/.test(m) && AWS_SECRET_WORDS.test(before(text, start, 40)),
  },
  { kind: 'github_token', pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])/g, confidence: 0.98 },
  { kind: 'github_token', pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}(?![A-Za-z0-9_])/g, confidence: 0.98 },
  { kind: 'slack_token', pattern: /(?<![A-Za-z0-9_-])xox[abposre]-[A-Za-z0-9-]{10,250}(?![A-Za-z0-9_-])/g, confidence: 0.97 },
  { kind: 'slack_token', pattern: /(?<![A-Za-z0-9_-])xapp-\d-[A-Za-z0-9-]{10,250}(?![A-Za-z0-9_-])/g, confidence: 0.97 },
  { kind: 'stripe_key', pattern: /(?<![A-Za-z0-9_])(?:sk|rk)_live_[A-Za-z0-9]{16,247}(?![A-Za-z0-9_])/g, confidence: 0.98 },
  // Test-mode keys move no money but still open the account's test data.
  { kind: 'stripe_key', pattern: /(?<![A-Za-z0-9_])(?:sk|rk)_test_[A-Za-z0-9]{16,247}(?![A-Za-z0-9_])/g, confidence: 0.7 },
  { kind: 'google_api_key', pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g, confidence: 0.95 },
  {
    kind: 'jwt',
    pattern: new RegExp(`(?<![${B64URL}.])eyJ[${B64URL}]{4,4096}\\.eyJ[${B64URL}]{2,16384}\\.[${B64URL}]{0,4096}(?![${B64URL}.])`, 'g'),
    confidence: 0.95,
    check: jwtHeaderHasAlg,
  },
];

// PEM private keys (RFC 7468 labels; OpenSSH's own format uses the same armour).
const PEM_BEGIN = /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/g;

function findPemKeys(text: string): Candidate[] {
  const out: Candidate[] = [];
  // Searches forward are remembered so a megabyte of BEGIN lines without an END costs one pass, not one per line.
  const noEndAfter = new Map<string, number>();
  let noBlankAfter = Infinity;
  let covered = 0;
  for (const m of text.matchAll(PEM_BEGIN)) {
    if (m.index < covered) continue;
    const label = m[0].slice('-----BEGIN '.length, -'-----'.length);
    const endMarker = `-----END ${label}-----`;
    const from = m.index + m[0].length;
    const endAt = from >= (noEndAfter.get(label) ?? Infinity) ? -1 : text.indexOf(endMarker, from);
    if (endAt < 0) noEndAfter.set(label, Math.min(from, noEndAfter.get(label) ?? Infinity));
    // Without an END line (pasted half a key), everything up to the first blank line is the key.
    let end: number;
    if (endAt >= 0) end = endAt + endMarker.length;
    else {
      const blank = from >= noBlankAfter ? -1 : text.indexOf('\n\n', from);
      if (blank < 0) noBlankAfter = Math.min(noBlankAfter, from);
      end = blank >= 0 ? blank : text.length;
    }
    covered = end;
    out.push({ kind: 'private_key', start: m.index, end, confidence: endAt >= 0 ? 0.99 : 0.9 });
  }
  return out;
}

// High-entropy strings: only next to a word that says "secret" (never a random-looking id on its own). Hex-only
// strings and UUIDs are left out: they are far more often commit SHAs, request ids and hashes than secrets.
const SECRET_WORDS = keywords([
  'secret',
  'client[_ ]secret',
  'api[_ -]?key',
  'apikey',
  'api[_ ]token',
  'access[_ ]token',
  'auth[_ ]token',
  'token',
  'bearer',
  'private[_ ]key',
  'signing[_ ]key',
  'webhook[_ ]secret',
  'credentials?',
  'geheimnis',
  'schlüssel',
  'clé(?: api| secrète)?',
  'jeton',
  'clave(?: api| secreta)?',
  'chave(?: de api| secreta)?',
  'sleutel',
  'chiave(?: api| segreta)?',
  'シークレット',
  'トークン',
  'apiキー',
]);
const HIGH_ENTROPY = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{20,512}={0,2}(?![A-Za-z0-9+/=_-])/g;
const HEX_OR_UUID = /^(?:[0-9a-f-]+|[0-9A-F-]+)$/;

function findHighEntropy(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of text.matchAll(HIGH_ENTROPY)) {
    const s = m[0];
    if (HEX_OR_UUID.test(s)) continue;
    if (!(/[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s))) continue;
    if (entropy(s) < 3.5) continue;
    // The keyword must be close and in the same sentence.
    const ctx = before(text, m.index, 40);
    const sentence = ctx.slice(Math.max(ctx.lastIndexOf('. '), ctx.lastIndexOf('\n')) + 1);
    if (!SECRET_WORDS.test(sentence)) continue;
    out.push({ kind: 'high_entropy', start: m.index, end: m.index + s.length, confidence: 0.8 });
  }
  return out;
}

export function findTokens(text: string): Candidate[] {
  const out: Candidate[] = findPemKeys(text);
  for (const rule of RULES) {
    for (const m of text.matchAll(rule.pattern)) {
      if (rule.check && !rule.check(m[0], text, m.index)) continue;
      out.push({ kind: rule.kind, start: m.index, end: m.index + m[0].length, confidence: rule.confidence });
    }
  }
  return [...out, ...findHighEntropy(text)];
}
