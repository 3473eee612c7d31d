import { CryptoError } from './errors';
import { decodeLinkKey, encodeLinkKey } from './keys';

/** `/s/{id}` (default tenant) or `/t/{tenant}/s/{id}` (a help-desk tenant: its secrets live under /api/v1/t/{tenant}). */
const SECRET_PATH = /(?:\/t\/([a-z0-9][a-z0-9-]{1,39}))?\/s\/([A-Za-z0-9_-]+)\/?$/;

/** `${base}/s/${id}#${key}`: the key lives in the fragment, which browsers never send to the server (S4). */
export function buildSecretLink(baseUrl: string, id: string, linkKey: Uint8Array): string {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new CryptoError('invalid_argument', 'Secret id must be base64url');
  return `${baseUrl.replace(/\/+$/, '')}/s/${id}#${encodeLinkKey(linkKey)}`;
}

export interface ParsedSecretLink {
  origin: string;
  id: string;
  /** The help-desk tenant's slug for `/t/{tenant}/s/{id}` links; undefined for `/s/{id}`. */
  tenant?: string;
  linkKey: Uint8Array;
}

export function parseSecretLink(link: string): ParsedSecretLink {
  let url: URL;
  try {
    url = new URL(link);
  } catch (err) {
    throw new CryptoError('invalid_link_key', 'Link is not a valid URL', { cause: err });
  }
  const match = SECRET_PATH.exec(url.pathname);
  if (!match) throw new CryptoError('invalid_link_key', 'Link does not point at a secret');
  const fragment = url.hash.replace(/^#/, '');
  if (fragment === '') throw new CryptoError('invalid_link_key', 'Link has no key after the #');
  return { origin: url.origin, id: match[2]!, ...(match[1] ? { tenant: match[1] } : {}), linkKey: decodeLinkKey(fragment) };
}
