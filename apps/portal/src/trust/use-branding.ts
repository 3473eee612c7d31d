import { useEffect, useState } from 'react';
import type { LinkTrust, PublicBranding } from '@vouchsafe/contracts';
import { deriveChecks, toBase64Url } from '@vouchsafe/crypto';
import type { TrustApi } from '../api/trust-api';

/** The bank's public branding for this page's tenant; undefined until (and unless) it loads. */
export function useBranding(api: TrustApi): PublicBranding | undefined {
  const [branding, setBranding] = useState<PublicBranding>();
  useEffect(() => {
    const abort = new AbortController();
    api.getBranding(abort.signal).then(setBranding, () => undefined);
    return () => abort.abort();
  }, [api]);
  return branding;
}

/**
 * Who sent this link and its phrase, asked with the link's key check (the key itself stays in the browser).
 * Nothing is consumed; a gone link or a wrong key simply shows nothing.
 */
export function useLinkTrust(
  api: Pick<TrustApi, 'getLinkTrust'>,
  target: { id: string; linkKey: Uint8Array } | undefined,
): LinkTrust | undefined {
  const [trust, setTrust] = useState<LinkTrust>();
  useEffect(() => {
    if (!target) return;
    const abort = new AbortController();
    void (async () => {
      const { keyCheck } = await deriveChecks(target.linkKey);
      const answer = await api.getLinkTrust(target.id, toBase64Url(keyCheck), abort.signal);
      if (!abort.signal.aborted) setTrust(answer);
    })().catch(() => undefined);
    return () => abort.abort();
  }, [api, target]);
  return trust;
}
