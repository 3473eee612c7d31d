import type { NextFunction, Request, Response } from 'express';
import { SESSION_HEADER } from '@vouchsafe/contracts';

/** `https://*.atlassian.net` matches any subdomain of atlassian.net (not the bare domain); others match exactly. */
export function originMatcher(patterns: readonly string[]): (origin: string) => boolean {
  const exact = new Set<string>();
  const suffixes: Array<{ scheme: string; suffix: string }> = [];
  for (const p of patterns) {
    const m = /^(https?:\/\/)\*(\..+)$/i.exec(p);
    if (m) suffixes.push({ scheme: m[1]!.toLowerCase(), suffix: m[2]!.toLowerCase() });
    else exact.add(p.toLowerCase());
  }
  return (origin) => {
    const o = origin.toLowerCase();
    if (exact.has(o)) return true;
    return suffixes.some(({ scheme, suffix }) => {
      if (!o.startsWith(scheme)) return false;
      const host = o.slice(scheme.length);
      return host.endsWith(suffix) && /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(host.slice(0, -suffix.length));
    });
  };
}

/**
 * CORS for the sidebar API (Forge `requestRemote` calls it from the browser). No credentials
 * (sessions are a header, not a cookie); only the headers and methods the sidebar uses; an origin
 * that is not allowed simply gets no CORS headers, so the browser refuses to read the answer.
 * Allowed: the configured patterns (VOUCHSAFE_CORS_ORIGINS, by default the Forge CDN) and the exact
 * site origins of the registered Jira tenants (`registered`, cached briefly by the caller).
 */
export function sidebarCors(patterns: readonly string[], registered: () => Promise<readonly string[]> = async () => []) {
  const isConfigured = originMatcher(patterns);
  const isAllowed = async (origin: string) =>
    isConfigured(origin) || (await registered()).some((o) => o.toLowerCase() === origin.toLowerCase());
  return async (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    res.vary('Origin');
    if (origin && (await isAllowed(origin))) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE');
        res.setHeader('Access-Control-Allow-Headers', `authorization, content-type, ${SESSION_HEADER}`);
        res.setHeader('Access-Control-Max-Age', '600');
      }
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}
