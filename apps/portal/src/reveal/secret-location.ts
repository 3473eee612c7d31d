import { decodeLinkKey } from '@vouchsafe/crypto';

export type SecretLocation =
  | { kind: 'landing' }
  | { kind: 'secret'; id: string; linkKey: Uint8Array }
  /** A /s/ path whose id or key is missing or damaged (often a link cut short by a mail client). */
  | { kind: 'incomplete'; id?: string };

const SECRET_PATH = /^\/s\/([^/]*)\/?$/;
const SECRET_ID = /^[A-Za-z0-9_-]{22}$/;

export function parseSecretLocation(pathname: string, hash: string): SecretLocation {
  const match = SECRET_PATH.exec(pathname);
  if (!match) return pathname.startsWith('/s/') ? { kind: 'incomplete' } : { kind: 'landing' };
  const id = match[1] ?? '';
  if (!SECRET_ID.test(id)) return { kind: 'incomplete' };
  const fragment = hash.replace(/^#/, '');
  if (fragment === '') return { kind: 'incomplete', id };
  try {
    return { kind: 'secret', id, linkKey: decodeLinkKey(fragment) };
  } catch {
    return { kind: 'incomplete', id };
  }
}
