import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256 } from '../../lib/ids';

/**
 * API tokens for scripts and admins (S13), configured as `VOUCHSAFE_API_TOKENS`:
 *
 *   name:scope[+scope…]:token[,name:scope[+scope…]:token…]
 *
 * e.g. `ci-sender:secrets:<token>,ops:admin+metrics:<token>`. Only the name ever reaches logs, audit
 * events and messages; the token is held as its SHA-256 digest and compared in constant time.
 * Rules and reasons: NOTES.md beside this file.
 */

export const API_TOKEN_SCOPES = ['secrets', 'admin', 'metrics', 'auditor'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

export interface ApiToken {
  /** Shown in logs and as the actor of admin changes (`api-token:<name>`). */
  readonly name: string;
  readonly scopes: readonly ApiTokenScope[];
  /** SHA-256 of the token; the token itself is not kept. */
  readonly digest: Buffer;
  /** Tokens created at run time (stored in `api_tokens`) expire; the bootstrap entries of the environment do not. */
  readonly expiresAt?: Date;
  /**
   * The operator who created this token (issue 10), or who owns the token that created it: the token acts as that
   * person for maker-checker. Absent for bootstrap tokens and tokens made by them.
   */
  readonly owner?: { readonly actor: string; readonly label: string };
}

export const API_TOKEN_NAME = /^[a-z0-9][a-z0-9_.-]{0,31}$/i;
/** 32 random bytes as base64url is 43 characters. */
const MIN_BITS = 256;
const MAX_TOKEN_LENGTH = 512;

const isScope = (s: string): s is ApiTokenScope => (API_TOKEN_SCOPES as readonly string[]).includes(s);

/** Bits per character of the smallest alphabet the token fits: digits, hex, or base64url. */
function bitsPerChar(token: string): number {
  if (/^[0-9]+$/.test(token)) return Math.log2(10);
  if (/^[0-9a-f]+$/.test(token) || /^[0-9A-F]+$/.test(token)) return 4;
  return 6;
}

/** Shannon entropy of the character distribution, in bits for the whole string. */
function shannonBits(token: string): number {
  const counts = new Map<string, number>();
  for (const c of token) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= n * Math.log2(n / token.length);
  return bits;
}

/** Share of neighbouring characters that repeat or count up/down (`aaaa`, `abcd`, `9876`). */
function runShare(token: string): number {
  let runs = 0;
  for (let i = 1; i < token.length; i++) if (Math.abs(token.charCodeAt(i) - token.charCodeAt(i - 1)) <= 1) runs += 1;
  return runs / Math.max(1, token.length - 1);
}

/** Does the token (mostly) repeat itself with some period, like `Xy7_Xy7_…`? */
function isPeriodic(token: string): boolean {
  for (let period = 1; period <= token.length / 2; period++) {
    let same = 0;
    for (let i = period; i < token.length; i++) if (token[i] === token[i - period]) same += 1;
    if (same / (token.length - period) >= 0.5) return true;
  }
  return false;
}

/**
 * Why a token is not acceptable, in words that never quote it; undefined when it is. Length is measured in the
 * token's alphabet (43 base64url or 64 hex characters = 256 bits); values that are obviously not random
 * (few distinct characters, runs, repeated patterns; a random value passes with certainty) are refused whatever their length.
 */
export function weakTokenReason(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return 'the token may contain only base64url characters (A-Z a-z 0-9 - _)';
  if (token.length > MAX_TOKEN_LENGTH) return `the token is longer than ${MAX_TOKEN_LENGTH} characters`;
  if (token.length * bitsPerChar(token) < MIN_BITS) return 'the token is too short: use 32 random bytes (43 base64url characters)';
  if (shannonBits(token) < 128 || runShare(token) >= 0.5 || isPeriodic(token)) return 'the token does not look random';
  return undefined;
}

/** A fresh token: 32 bytes from the CSPRNG, base64url (43 characters). */
export const generateApiToken = (): string => randomBytes(32).toString('base64url');

export function formatApiTokenEntry(name: string, scopes: readonly ApiTokenScope[], token: string): string {
  return `${name}:${scopes.join('+')}:${token}`;
}

function hint(name: string): string {
  return `generate one with \`vouchsafe keys generate --token ${name} --scopes secrets\``;
}

/** Checks one entry's parts; `label` names it in messages (its name when that is valid, else its position). */
function toApiToken(label: string, name: string, scopeList: string, token: string): ApiToken {
  if (!API_TOKEN_NAME.test(name)) {
    throw new Error(
      `VOUCHSAFE_API_TOKENS entry ${label}: the name must be 1-32 letters, digits, "_", "." or "-", starting with a letter or digit`,
    );
  }
  const scopes = scopeList.split('+');
  if (!scopes.every(isScope)) {
    throw new Error(`VOUCHSAFE_API_TOKENS entry ${label}: scopes must be one or more of ${API_TOKEN_SCOPES.join(', ')}, joined with "+"`);
  }
  if (new Set(scopes).size !== scopes.length) throw new Error(`VOUCHSAFE_API_TOKENS entry ${label} lists a scope twice`);
  const weak = weakTokenReason(token);
  if (weak) throw new Error(`VOUCHSAFE_API_TOKENS entry ${label}: ${weak}; ${hint(name)}`);
  return Object.freeze({ name, scopes: Object.freeze(scopes), digest: sha256(token) });
}

/** One entry built in code (embedded mode, tests), with the same checks as the environment variable. */
export function apiToken(name: string, scopes: readonly ApiTokenScope[], token: string): ApiToken {
  return toApiToken(`"${name}"`, name, scopes.join('+'), token);
}

/**
 * Parses VOUCHSAFE_API_TOKENS. Throws an Error naming the entry (by name, or by position when the name is not
 * readable) and never quoting a token. Empty: no tokens (nothing can be created or administered).
 */
export function parseApiTokens(value: string | undefined): ApiToken[] {
  const entries = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const names = new Set<string>();
  const digests = new Set<string>();
  return entries.map((entry, i) => {
    const parts = entry.split(':');
    if (parts.length !== 3) {
      // Never quote the entry: it may be a bare token in the old format.
      throw new Error(`VOUCHSAFE_API_TOKENS entry ${i + 1} is not "name:scopes:token" (e.g. ci-sender:secrets:<token>); ${hint('NAME')}`);
    }
    const [name, scopes, token] = parts as [string, string, string];
    const label = API_TOKEN_NAME.test(name) ? `"${name}"` : String(i + 1);
    const parsed = toApiToken(label, name, scopes, token);
    if (names.has(name.toLowerCase())) throw new Error(`VOUCHSAFE_API_TOKENS names ${label} twice`);
    const digest = parsed.digest.toString('hex');
    if (digests.has(digest)) throw new Error(`VOUCHSAFE_API_TOKENS entry ${label} repeats the token of an earlier entry`);
    names.add(name.toLowerCase());
    digests.add(digest);
    return parsed;
  });
}

/**
 * The configured token whose digest equals the presented token's, or undefined. Every entry is compared, in
 * constant time, so the timing says nothing about which one (nearly) matched.
 */
export function findApiToken(tokens: readonly ApiToken[], presented: string): ApiToken | undefined {
  const digest = sha256(presented);
  let found: ApiToken | undefined;
  for (const token of tokens) {
    const isMatch = timingSafeEqual(digest, token.digest);
    if (isMatch && found === undefined) found = token;
  }
  return found;
}

/** How an admin change names who made it (audit `actor`, `verification_policies.changed_by`). */
export const actorOf = (token: Pick<ApiToken, 'name'>): string => `api-token:${token.name}`;
