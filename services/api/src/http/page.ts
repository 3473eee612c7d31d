import type { Response } from 'express';

/**
 * A tiny static, script-free HTML page: what a person who opened a link (the IdP's callback, a short sign-in link,
 * an operator sign-in) sees, for answers and for errors alike. The error handler uses it for every path under
 * PAGE_PREFIXES, so a refused or failed request there is a page with the right status, never JSON.
 *
 * Issue 16 item 5: the page looks like the portal (same fonts, colours, spacing, a card) through one stylesheet
 * served from our own origin (`PAGE_STYLESHEET_PATH`); the page's CSP allows styles from 'self' only — no inline
 * style, no script, no other origin.
 */

export const PAGE_PREFIXES: readonly string[] = ['/verify/', '/v/'];

/** Served by `pageStylesheet` (app.ts); the only resource a page loads. */
export const PAGE_STYLESHEET_PATH = '/verify/page.css';

export const PAGE_CSP = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const isPagePath = (path: string): boolean => PAGE_PREFIXES.some((p) => path.startsWith(p));

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** How the page reads at a glance: the card's accent colour and the symbol before the heading. */
export type PageTone = 'success' | 'info' | 'warning' | 'error';

const TONE_SYMBOL: Record<PageTone, string> = { success: '✓', info: 'i', warning: '!', error: '✕' };

/** The portal's look (apps/portal/src/portal.css and Zendesk Garden's palette), for pages rendered without React. */
export const PAGE_CSS = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;background:#f8f9f9;color:#2f3941;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;font-size:16px;line-height:1.5}
.vs-banner{background:#fff;border-bottom:1px solid #d8dcde}
.vs-banner p{max-width:40rem;margin:0 auto;padding:.75rem 1.25rem;font-weight:600;letter-spacing:.01em;color:#03363d}
.vs-page{max-width:40rem;margin:0 auto;padding:2.5rem 1.25rem 4rem}
.vs-card{background:#fff;border:1px solid #d8dcde;border-top:4px solid #1f73b7;border-radius:8px;padding:1.5rem 1.5rem 1.75rem;box-shadow:0 1px 3px rgba(47,57,65,.08)}
.vs-card[data-tone=success]{border-top-color:#038153}
.vs-card[data-tone=warning]{border-top-color:#ad5918}
.vs-card[data-tone=error]{border-top-color:#cc3340}
.vs-card h1{display:flex;align-items:center;gap:.625rem;margin:0 0 .75rem;font-size:1.375rem;line-height:1.3;font-weight:600}
.vs-symbol{flex:none;display:inline-flex;align-items:center;justify-content:center;width:1.75rem;height:1.75rem;border-radius:50%;background:#1f73b7;color:#fff;font-size:1rem;font-weight:700}
.vs-card[data-tone=success] .vs-symbol{background:#038153}
.vs-card[data-tone=warning] .vs-symbol{background:#ad5918}
.vs-card[data-tone=error] .vs-symbol{background:#cc3340}
.vs-card p{margin:0;overflow-wrap:anywhere}
.vs-footer{margin-top:1.25rem;color:#68737d;font-size:.875rem}
@media (max-width:480px){.vs-page{padding:1.25rem .75rem 2.5rem}.vs-card{padding:1.25rem 1rem 1.5rem}.vs-card h1{font-size:1.25rem}}
`;

export function sendPage(res: Response, status: number, title: string, text: string, tone?: PageTone): void {
  const t: PageTone = tone ?? (status < 400 ? 'info' : 'warning');
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': PAGE_CSP,
      'Referrer-Policy': 'no-referrer',
    })
    .send(
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer">` +
        `<title>${escapeHtml(title)} · Vouchsafe</title><link rel="stylesheet" href="${PAGE_STYLESHEET_PATH}"></head>` +
        `<body><header class="vs-banner"><p>Vouchsafe</p></header>` +
        `<main class="vs-page"><div class="vs-card" data-tone="${t}">` +
        `<h1><span class="vs-symbol" aria-hidden="true">${TONE_SYMBOL[t]}</span><span>${escapeHtml(title)}</span></h1>` +
        `<p>${escapeHtml(text)}</p></div>` +
        `<footer class="vs-footer"><p>Secure verification for your support conversation.</p></footer></main></body></html>\n`,
    );
}

/** `GET PAGE_STYLESHEET_PATH`: static, the same for everyone, cacheable for a day. */
export function sendPageStylesheet(res: Response): void {
  res.status(200).set({ 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=86400' }).send(PAGE_CSS);
}
