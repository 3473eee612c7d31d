import { readFile } from 'node:fs/promises';
import path from 'node:path';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { AppError } from '../../errors';
import type { DeskOrigins } from '../tenants/desk-origins';
import { formBody } from '../../http/input';

/**
 * The Zendesk and ServiceNow sidebar pages, served from the built app dirs. Zendesk POSTs the
 * signed-URL JWT as form field `token` on the first load only (signedUrls: true); we hand it to
 * the page in a meta tag, HTML-escaped, and never log it (the request log records the route
 * pattern only). ServiceNow's token travels in the URL fragment and never reaches us.
 * Each page may be framed only by its own desk: the registered tenants' origins for that desk
 * (modules/tenants/desk-origins.ts) plus the operator's VOUCHSAFE_FRAME_ANCESTORS_<DESK>; with neither,
 * `frame-ancestors 'none'`. A ServiceNow origin can never frame the Zendesk page, nor the other way
 * round. The portal is never framed.
 */

export const ZAF_SDK_PLACEHOLDER = '%VOUCHSAFE_ZAF_SDK_URL%';
export const HOST_TOKEN_META = 'vouchsafe-host-token';

export interface SidebarPagesOptions {
  appsDir: string;
  zafSdkUrl: string;
  /** Operator-configured extra sources per desk. */
  frameAncestors: { zendesk: readonly string[]; servicenow: readonly string[] };
  /** The registered tenants' origins per desk (cached briefly). */
  deskOrigins: Pick<DeskOrigins, 'of'>;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The one CSP for sidebar pages: our own scripts (+ the ZAF CDN for Zendesk), framed only by the desks. */
export function sidebarCsp(opts: { frameAncestors: readonly string[]; extraScriptSrc?: string }): string {
  return [
    "default-src 'self'",
    `script-src 'self'${opts.extraScriptSrc ? ` ${opts.extraScriptSrc}` : ''}`,
    // styled-components (Zendesk Garden) injects <style> elements at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${opts.frameAncestors.length > 0 ? opts.frameAncestors.join(' ') : "'none'"}`,
  ].join('; ');
}

/** The origin of an absolute SDK URL (for script-src); nothing for a same-origin path. */
function scriptOrigin(url: string): string | undefined {
  if (url.startsWith('/')) return undefined;
  return new URL(url).origin;
}

function pageHeaders(csp: () => Promise<string>) {
  return async (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', await csp());
    // frame-ancestors decides who may frame these pages; helmet's X-Frame-Options would forbid the desks.
    res.removeHeader('X-Frame-Options');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  };
}

async function readIndex(distDir: string): Promise<string> {
  try {
    return await readFile(path.join(distDir, 'index.html'), 'utf8');
  } catch {
    throw new AppError('not_found', 'This sidebar has not been built on this server.');
  }
}

export function injectHostToken(html: string, token: string | undefined): string {
  if (token === undefined) return html;
  const meta = `<meta name="${HOST_TOKEN_META}" content="${escapeHtml(token)}">`;
  const at = html.search(/<\/head>/i);
  return at === -1 ? `${meta}${html}` : `${html.slice(0, at)}${meta}${html.slice(at)}`;
}

const html = (res: Response, body: string) => res.type('html').send(body);

export function sidebarPagesRoutes(opts: SidebarPagesOptions): Router {
  const router = Router();
  const zendeskDir = path.join(opts.appsDir, 'zendesk', 'dist');
  const serviceNowDir = path.join(opts.appsDir, 'servicenow', 'dist');
  const zafOrigin = scriptOrigin(opts.zafSdkUrl);
  const ancestors = async (desk: 'zendesk' | 'servicenow') => [
    ...new Set([...(await opts.deskOrigins.of(desk)), ...opts.frameAncestors[desk]]),
  ];
  const zendeskHeaders = pageHeaders(async () => sidebarCsp({ frameAncestors: await ancestors('zendesk'), extraScriptSrc: zafOrigin }));
  const serviceNowHeaders = pageHeaders(async () => sidebarCsp({ frameAncestors: await ancestors('servicenow') }));
  const form = formBody({ limit: '16kb', parameterLimit: 20 });

  const zendeskPage = async (req: Request, res: Response) => {
    const body: unknown = req.body;
    const raw = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).token : undefined;
    const token = typeof raw === 'string' && raw.length > 0 && raw.length <= 8192 ? raw : undefined;
    const page = (await readIndex(zendeskDir)).replaceAll(ZAF_SDK_PLACEHOLDER, escapeHtml(opts.zafSdkUrl));
    html(res, injectHostToken(page, token));
  };
  router.get(['/zendesk', '/zendesk/'], zendeskHeaders, zendeskPage);
  router.post(['/zendesk', '/zendesk/'], zendeskHeaders, form, zendeskPage);

  router.get(['/servicenow', '/servicenow/'], serviceNowHeaders, async (_req, res) => {
    html(res, await readIndex(serviceNowDir));
  });

  // Only the build's asset folders are public (not the zcli zip or anything else left in dist/).
  // Hashed build output caches for good; the vendored SDK (tests and the demo) revalidates.
  const assets = (dir: string) => express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false });
  router.use('/zendesk/assets', assets(zendeskDir));
  router.use('/zendesk/vendor', express.static(path.join(zendeskDir, 'vendor'), { index: false, maxAge: 0 }));
  router.use('/servicenow/assets', assets(serviceNowDir));
  return router;
}
