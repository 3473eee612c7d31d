import { Agent, fetch as undiciFetch } from 'undici';

/** What the simulated person does on the peer's login page. */
export interface SignInForm {
  /** Email typed into the form; default the prefilled one (login_hint). setNextLogin().email wins over both. */
  email?: string;
  /** The MFA checkbox; default true. */
  mfa?: boolean;
  /** Press Cancel instead of Sign in (→ error=access_denied). */
  cancel?: boolean;
}

/** A tiny cookie jar: name=value per cookie, no paths or expiry (one peer, one short flow). */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * Drives the peer's login page with plain HTTP, as a browser would: follow redirects with cookies, post the login form,
 * and stop at the first redirect that leaves the peer (the client's redirect_uri), returning its query parameters.
 */
export async function signInOverHttp(
  peerUrl: string,
  authorizationUrl: string,
  form: SignInForm = {},
  tls: { ca?: string } = {},
): Promise<Record<string, string>> {
  const peerOrigin = new URL(peerUrl).origin;
  const jar = new CookieJar();
  // An https peer (test CA) needs a client that trusts the CA: this process read NODE_EXTRA_CA_CERTS when it started.
  const dispatcher = tls.ca === undefined ? undefined : new Agent({ connect: { ca: tls.ca } });
  const get = (target: URL, init: RequestInit): Promise<Response> =>
    dispatcher
      ? // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- needed where the global Response is the DOM's (e2e's tsconfig)
        (undiciFetch(target, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher }) as unknown as Promise<Response>)
      : fetch(target, init);
  try {
    return await signIn(peerUrl, peerOrigin, jar, await followShortLink(authorizationUrl, peerOrigin), form, get);
  } finally {
    await dispatcher?.close();
  }
}

/**
 * A link posted to a requester is Vouchsafe's short link (`<public url>/v/<id>`, issue 16), which answers 303 to the
 * peer's authorization URL; a browser follows it, so this does too (once, plain fetch). A URL already on the peer is
 * returned as is.
 */
async function followShortLink(link: string, peerOrigin: string): Promise<string> {
  if (new URL(link).origin === peerOrigin) return link;
  const response = await fetch(link, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 303 || !location || new URL(location).origin !== peerOrigin) {
    throw new Error(`the link did not lead to the sign-in page (HTTP ${response.status})`);
  }
  return location;
}

async function signIn(
  peerUrl: string,
  peerOrigin: string,
  jar: CookieJar,
  authorizationUrl: string,
  form: SignInForm,
  fetch: (target: URL, init: RequestInit) => Promise<Response>,
): Promise<Record<string, string>> {
  let next: { url: string; method: 'GET' | 'POST'; body?: URLSearchParams } = { url: authorizationUrl, method: 'GET' };
  for (let hop = 0; hop < 20; hop += 1) {
    const target = new URL(next.url, peerUrl);
    if (target.origin !== peerOrigin) return Object.fromEntries(target.searchParams);
    const response = await fetch(target, {
      method: next.method,
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(next.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: next.body,
    });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      next = { url: new URL(location, target).href, method: 'GET' };
      continue;
    }
    const match = /^\/interaction\/([^/]+)$/.exec(target.pathname);
    const html = await response.text();
    if (next.method === 'POST' && response.status === 200) {
      throw new Error(
        `the OIDC peer did not accept the sign-in: ${html
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .slice(0, 300)}`,
      );
    }
    if (response.status !== 200 || !match?.[1]) {
      throw new Error(`the OIDC peer answered ${response.status} at ${target.pathname}: ${html.slice(0, 300)}`);
    }
    const prefilled = /name="email" value="([^"]*)"/.exec(html)?.[1] ?? '';
    const body = new URLSearchParams({
      email:
        form.email ??
        prefilled
          .replace(/&#39;/g, "'")
          .replace(/&quot;/g, '"')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&'),
    });
    if (form.mfa ?? true) body.set('mfa', 'yes');
    next = { url: `/interaction/${match[1]}/${form.cancel ? 'abort' : 'login'}`, method: 'POST', body };
  }
  throw new Error('the OIDC sign-in did not finish within 20 redirects');
}
