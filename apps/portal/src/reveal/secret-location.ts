import { decodeLinkKey } from '@vouchsafe/crypto';

/**
 * `tenant` is set for a help-desk tenant's link (`/t/{slug}/s/{id}`): the page then talks to that
 * tenant's API prefix (`/api/v1/t/{slug}`). Plain `/s/{id}` links belong to the default tenant.
 */
export type SecretLocation =
  | { kind: 'landing' }
  | { kind: 'secret'; id: string; linkKey: Uint8Array; tenant?: string }
  /** A /s/ path whose id or key is missing or damaged (often a link cut short by a mail client). */
  | { kind: 'incomplete'; id?: string; tenant?: string };

const SECRET_PATH = /^(?:\/t\/([a-z0-9][a-z0-9-]{1,39}))?\/s\/([^/]*)\/?$/;
const SECRET_PREFIX = /^(?:\/t\/[^/]+)?\/s\//;
const SECRET_ID = /^[A-Za-z0-9_-]{22}$/;

export function parseSecretLocation(pathname: string, hash: string): SecretLocation {
  const match = SECRET_PATH.exec(pathname);
  if (!match) return SECRET_PREFIX.test(pathname) ? { kind: 'incomplete' } : { kind: 'landing' };
  const scope = match[1] ? { tenant: match[1] } : {};
  const id = match[2] ?? '';
  if (!SECRET_ID.test(id)) return { kind: 'incomplete', ...scope };
  const fragment = hash.replace(/^#/, '');
  if (fragment === '') return { kind: 'incomplete', id, ...scope };
  try {
    return { kind: 'secret', id, linkKey: decodeLinkKey(fragment), ...scope };
  } catch {
    return { kind: 'incomplete', id, ...scope };
  }
}
