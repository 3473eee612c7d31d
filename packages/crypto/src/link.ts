import { CryptoError } from './errors';
import { decodeLinkKey, encodeLinkKey } from './keys';

const SECRET_PATH = /\/s\/([A-Za-z0-9_-]+)\/?$/;

/** `${base}/s/${id}#${key}`: the key lives in the fragment, which browsers never send to the server (S4). */
export function buildSecretLink(baseUrl: string, id: string, linkKey: Uint8Array): string {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new CryptoError('invalid_argument', 'Secret id must be base64url');
  return `${baseUrl.replace(/\/+$/, '')}/s/${id}#${encodeLinkKey(linkKey)}`;
}

export function parseSecretLink(link: string): { origin: string; id: string; linkKey: Uint8Array } {
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
  return { origin: url.origin, id: match[1]!, linkKey: decodeLinkKey(fragment) };
}
