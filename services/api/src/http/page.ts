import type { Response } from 'express';

/**
 * A tiny static, script-free HTML page: what a person who opened a link (the IdP's callback) sees,
 * for answers and for errors alike. The error handler uses it for every path under PAGE_PREFIXES,
 * so a refused or failed request there is a page with the right status, never JSON.
 */

export const PAGE_PREFIXES: readonly string[] = ['/verify/'];

export const isPagePath = (path: string): boolean => PAGE_PREFIXES.some((p) => path.startsWith(p));

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function sendPage(res: Response, status: number, title: string, text: string): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'Referrer-Policy': 'no-referrer',
    })
    .send(
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<meta name="robots" content="noindex"><title>${escapeHtml(title)} · Vouchsafe</title></head>` +
        `<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></main></body></html>\n`,
    );
}
