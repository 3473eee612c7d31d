import { useEffect, useMemo, useState } from 'react';
import { ThemeRoot, usePreferredColorScheme } from '@vouchsafe/ui/theme';
import { createRevealApi, type RevealApi } from '../api/reveal-api';
import { createTrustApi, type TrustApi } from '../api/trust-api';
import { brandHue } from '../trust/brand-theme';
import { parseCheckLocation } from '../trust/check-location';
import { useBranding } from '../trust/use-branding';
import { BrandHeader } from './BrandHeader';
import { CheckPage } from './CheckPage';
import { parseSecretLocation, type SecretLocation } from '../reveal/secret-location';
import type { RevealTarget } from '../reveal/use-reveal';
import { forgetVerifyReturn, readVerifyReturn, type KeyStorage } from '../reveal/verify-return';
import { LandingPage } from './LandingPage';
import { RevealPage } from './RevealPage';
import { UploadPage } from './UploadPage';
import { parseDocumentLocation } from '../upload/document-upload';

export interface AppProps {
  /** `search` carries `?grant=…` on the way back from the identity provider. */
  location: Pick<Location, 'pathname' | 'hash'> & Partial<Pick<Location, 'search'>>;
  api?: RevealApi;
  /** Branding, who sent the link and the check page (issue 14); tests pass their own. */
  trustApi?: TrustApi;
  /** Browser defaults: sessionStorage, history, location.assign. Tests pass their own. */
  storage?: KeyStorage;
  history?: Pick<History, 'replaceState' | 'state'>;
  navigate?: (url: string) => void;
}

interface Resolved {
  parsed: SecretLocation;
  grant?: string;
  /** Back from signing in, but this tab kept no key. */
  isKeyLost: boolean;
}

const browserStorage = (): KeyStorage | undefined => {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
};

/** The link as opened, or, back from the IdP (`?grant=`, no fragment), the link with the key this tab kept. */
function resolve(location: AppProps['location'], storage: KeyStorage | undefined): Resolved {
  const parsed = parseSecretLocation(location.pathname, location.hash);
  if (parsed.kind !== 'incomplete' || location.hash !== '') return { parsed, isKeyLost: false };
  const back = readVerifyReturn(location.search ?? '', parsed.id, storage);
  if (!back) return { parsed, isKeyLost: false };
  if (back.fragment === null) return { parsed, isKeyLost: true };
  const restored = parseSecretLocation(location.pathname, `#${back.fragment}`);
  return restored.kind === 'secret' ? { parsed: restored, grant: back.grant, isKeyLost: false } : { parsed, isKeyLost: true };
}

export function App(props: AppProps) {
  // Issue 11: a document request's upload page (`/d/{id}`, `/t/{slug}/d/{id}`).
  const upload = parseDocumentLocation(props.location.pathname);
  if (upload) return <UploadApp id={upload.id} {...(upload.tenant ? { tenant: upload.tenant } : {})} />;
  return <RevealApp {...props} />;
}

function UploadApp({ id, tenant }: { id: string; tenant?: string }) {
  const scheme = usePreferredColorScheme();
  return (
    <ThemeRoot scheme={scheme}>
      <UploadPage requestId={id} {...(tenant ? { tenant } : {})} />
    </ThemeRoot>
  );
}

function RevealApp({ location, api, trustApi, storage, history, navigate }: AppProps) {
  const store = storage ?? browserStorage();
  // Read once: the stored key is deleted right after the first render (below).
  const [resolved] = useState(() => resolve(location, store));
  const { parsed, grant, isKeyLost } = resolved;
  const [check] = useState(() => parseCheckLocation(location.pathname));
  const tenant = check ? check.tenant : parsed.kind === 'landing' ? undefined : parsed.tenant;
  const client = useMemo(() => api ?? createRevealApi(undefined, '', tenant), [api, tenant]);
  const trustClient = useMemo(() => trustApi ?? createTrustApi(undefined, '', tenant), [trustApi, tenant]);
  const branding = useBranding(trustClient);
  const target = useMemo<RevealTarget | undefined>(
    () => (parsed.kind === 'secret' ? { id: parsed.id, linkKey: parsed.linkKey, ...(grant ? { grant } : {}) } : undefined),
    [parsed, grant],
  );

  const scheme = usePreferredColorScheme();

  const returnedId = grant !== undefined || isKeyLost ? (parsed.kind === 'landing' ? undefined : parsed.id) : undefined;
  useEffect(() => {
    if (returnedId === undefined) return;
    forgetVerifyReturn(store, returnedId, history ?? globalThis.history, { pathname: location.pathname, search: location.search ?? '' });
    // Once per page: the values are what the page was opened with.
  }, [returnedId]);

  return (
    <ThemeRoot scheme={scheme} primaryHue={brandHue(branding)}>
      <BrandHeader branding={branding} />
      {check ? (
        <CheckPage api={trustClient} branding={branding} />
      ) : parsed.kind === 'landing' ? (
        <LandingPage />
      ) : (
        <RevealPage
          target={target}
          api={client}
          trustApi={trustClient}
          isKeyLost={isKeyLost}
          {...(store ? { storage: store } : {})}
          {...(navigate ? { navigate } : {})}
        />
      )}
    </ThemeRoot>
  );
}
