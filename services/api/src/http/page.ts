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

/**
 * The portal's look (apps/portal/src/portal.css and Zendesk Garden's palette), for pages rendered without React.
 * Issue 14: colours are custom properties defined once per scheme — Garden's light values, and under
 * `prefers-color-scheme: dark` Garden's dark ones (packages/ui/src/theme.tsx resolves the same tokens; the API does
 * not import browser packages, so they are written out here). Both pass WCAG AA (page.test.ts).
 */
export const PAGE_CSS = `:root{color-scheme:light dark;--vs-page:#f8f9f9;--vs-surface:#fff;--vs-fg:#2f3941;--vs-muted:#5c6970;--vs-border:#d8dcde;--vs-brand:#03363d;--vs-info:#1f73b7;--vs-success:#038153;--vs-warning:#ad5918;--vs-error:#cc3340;--vs-on-tone:#fff;--vs-shadow:rgba(47,57,65,.08)}
@media (prefers-color-scheme:dark){:root{--vs-page:#151a1e;--vs-surface:#1c2227;--vs-fg:#d8dcde;--vs-muted:#919ca5;--vs-border:#39434b;--vs-brand:#d8dcde;--vs-info:#2694d6;--vs-success:#94c1b0;--vs-warning:#fca347;--vs-error:#f2a1a8;--vs-on-tone:#151a1e;--vs-shadow:rgba(0,0,0,.4)}}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;background:var(--vs-page);color:var(--vs-fg);font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;font-size:16px;line-height:1.5}
.vs-banner{background:var(--vs-surface);border-bottom:1px solid var(--vs-border)}
.vs-banner p{max-width:40rem;margin:0 auto;padding:.75rem 1.25rem;font-weight:600;letter-spacing:.01em;color:var(--vs-brand)}
.vs-page{max-width:40rem;margin:0 auto;padding:2.5rem 1.25rem 4rem}
.vs-card{background:var(--vs-surface);border:1px solid var(--vs-border);border-top:4px solid var(--vs-info);border-radius:8px;padding:1.5rem 1.5rem 1.75rem;box-shadow:0 1px 3px var(--vs-shadow)}
.vs-card[data-tone=success]{border-top-color:var(--vs-success)}
.vs-card[data-tone=warning]{border-top-color:var(--vs-warning)}
.vs-card[data-tone=error]{border-top-color:var(--vs-error)}
.vs-card h1{display:flex;align-items:center;gap:.625rem;margin:0 0 .75rem;font-size:1.375rem;line-height:1.3;font-weight:600}
.vs-symbol{flex:none;display:inline-flex;align-items:center;justify-content:center;width:1.75rem;height:1.75rem;border-radius:50%;background:var(--vs-info);color:var(--vs-on-tone);font-size:1rem;font-weight:700}
.vs-card[data-tone=success] .vs-symbol{background:var(--vs-success)}
.vs-card[data-tone=warning] .vs-symbol{background:var(--vs-warning)}
.vs-card[data-tone=error] .vs-symbol{background:var(--vs-error)}
.vs-card p{margin:0;overflow-wrap:anywhere}
.vs-footer{margin-top:1.25rem;color:var(--vs-muted);font-size:.875rem}
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
