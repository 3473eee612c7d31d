/**
 * The IdP round trip of a verified-requester-only secret. The link key lives in the URL fragment,
 * which no redirect carries, so before leaving for the identity provider the page keeps it in
 * sessionStorage (this tab, this origin only) under the secret id; the API's callback sends the
 * browser back to `/t/{tenant}/s/{id}?grant=…` and the page takes the key back out — and deletes
 * it — at once. The grant is also taken out of the address bar so it stays out of history.
 */
export type KeyStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const GRANT = /^[A-Za-z0-9_-]{16,128}$/;

export const linkKeyStorageKey = (id: string): string => `vouchsafe:link-key:${id}`;

export function keepLinkKey(storage: KeyStorage, id: string, fragment: string): void {
  storage.setItem(linkKeyStorageKey(id), fragment);
}

export interface VerifyReturn {
  grant: string;
  /** The link key as it was in the fragment, or null when this tab did not keep it (another browser). */
  fragment: string | null;
}

/** Reads (without changing anything: render-safe) what the IdP round trip brought back. */
export function readVerifyReturn(search: string, id: string | undefined, storage: KeyStorage | undefined): VerifyReturn | undefined {
  const grant = new URLSearchParams(search).get('grant');
  if (grant === null || !GRANT.test(grant) || id === undefined) return undefined;
  let fragment: string | null = null;
  try {
    fragment = storage?.getItem(linkKeyStorageKey(id)) ?? null;
  } catch {
    // Storage can be disabled; the page then says the link is incomplete.
  }
  return { grant, fragment };
}

/** After the page has taken the key and grant into memory: delete the stored key, clean the address bar. */
export function forgetVerifyReturn(
  storage: KeyStorage | undefined,
  id: string,
  history: Pick<History, 'replaceState' | 'state'> | undefined,
  location: Pick<Location, 'pathname' | 'search'>,
): void {
  try {
    storage?.removeItem(linkKeyStorageKey(id));
  } catch {
    // Nothing was stored, or storage is disabled.
  }
  const params = new URLSearchParams(location.search);
  if (!params.has('grant')) return;
  params.delete('grant');
  const rest = params.toString();
  history?.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}`);
}
