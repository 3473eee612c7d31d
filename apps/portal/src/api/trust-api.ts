import { BRANDING_PATHS, LINK_CHECK_RESULTS, type LinkCheckResult, type LinkTrust, type PublicBranding } from '@vouchsafe/contracts';

/**
 * Issue 14: what the page shows about the bank and the sender (modules/branding on the server). Every answer is
 * checked by hand (no zod in the customer's bundle); a failure is just "nothing to show" — branding never blocks a
 * reveal.
 */
export interface TrustApi {
  getBranding(signal?: AbortSignal): Promise<PublicBranding | undefined>;
  /** Who sent the link and its phrase; needs the link's key check (so a bare id learns nothing). */
  getLinkTrust(id: string, keyCheck: string, signal?: AbortSignal): Promise<LinkTrust | undefined>;
  /** The check page's question; undefined when the server could not answer (unreachable, throttled). */
  checkLink(link: string): Promise<{ ok: true; value: LinkCheckResult } | { ok: false; isThrottled: boolean }>;
}

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

const INIT: RequestInit = { cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer', redirect: 'error' };

export function createTrustApi(fetchImpl: FetchLike = (i, init) => globalThis.fetch(i, init), base = '', tenant?: string): TrustApi {
  const slug = tenant || undefined;
  async function json(url: string, init: RequestInit): Promise<{ status: number; body: unknown } | undefined> {
    try {
      const res = await fetchImpl(url, { ...INIT, ...init, headers: { 'Content-Type': 'application/json', Accept: 'application/json' } });
      return { status: res.status, body: await res.json().catch(() => undefined) };
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      return undefined;
    }
  }
  return {
    async getBranding(signal) {
      const r = await json(`${base}${BRANDING_PATHS.branding(slug)}`, { method: 'GET', signal: signal ?? null });
      return r?.status === 200 && isPublicBranding(r.body) ? r.body : undefined;
    },
    async getLinkTrust(id, keyCheck, signal) {
      const r = await json(`${base}${BRANDING_PATHS.linkTrust(id, slug)}`, {
        method: 'POST',
        body: JSON.stringify({ keyCheck }),
        signal: signal ?? null,
      });
      return r?.status === 200 && isLinkTrust(r.body) ? r.body : undefined;
    },
    async checkLink(link) {
      const r = await json(`${base}${BRANDING_PATHS.linkCheck(slug)}`, { method: 'POST', body: JSON.stringify({ link }) });
      if (r?.status === 200 && isLinkCheckResult(r.body)) return { ok: true, value: r.body };
      return { ok: false, isThrottled: r?.status === 429 };
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isStringOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** Only a `#rrggbb` colour ever reaches the theme (never other CSS). */
export const isHexColor = (v: unknown): v is string => typeof v === 'string' && /^#[0-9a-f]{6}$/.test(v);
/** Only a path on our own origin may be an image source. */
const isOwnPath = (v: unknown): v is string => typeof v === 'string' && v.startsWith('/') && !v.startsWith('//');
const isHttpsUrl = (v: unknown): v is string => {
  if (typeof v !== 'string') return false;
  try {
    return new URL(v).protocol === 'https:';
  } catch {
    return false;
  }
};

export function isPublicBranding(v: unknown): v is PublicBranding {
  return (
    isObject(v) &&
    typeof v.displayName === 'string' &&
    (v.brandColor === null || isHexColor(v.brandColor)) &&
    (v.logoUrl === null || isOwnPath(v.logoUrl)) &&
    isStringOrNull(v.supportPhone) &&
    (v.supportUrl === null || isHttpsUrl(v.supportUrl)) &&
    isOwnPath(v.checkUrl)
  );
}

export function isLinkTrust(v: unknown): v is LinkTrust {
  return (
    isObject(v) &&
    isPublicBranding(v.bank) &&
    isStringOrNull(v.ticket) &&
    isStringOrNull(v.agentFirstName) &&
    typeof v.phrase === 'string' &&
    /^[a-z]+ [a-z]+ [a-z]+$/.test(v.phrase)
  );
}

const isLinkCheckResult = (v: unknown): v is LinkCheckResult =>
  isObject(v) && (LINK_CHECK_RESULTS as readonly unknown[]).includes(v.result);
