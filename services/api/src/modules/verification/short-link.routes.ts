import { randomBytes } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { sendPage } from '../../http/page';
import type { Db } from '../../db/database';
import { findShortLinkTarget } from './verification.repository';

/**
 * Issue 16 item 6: short sign-in links. The public reply carries `<public url>/v/<short id>` on our own origin
 * instead of the IdP's ~400-character authorization URL (which looks like phishing). The short id is 128 random
 * bits, stored with the verification (unique, tenant row), and does one thing: while the attempt is open and
 * unexpired, `GET /v/<id>` answers 303 to the IdP's authorization URL; afterwards (finished, cancelled, expired,
 * tenant removed) a styled "no longer valid" page. Opening it changes nothing — the IdP's sign-in and our callback
 * decide, as before — so mail scanners and link previews that follow it are harmless. The id and the URL are never
 * logged.
 */

export const SHORT_LINK_BYTES = 16;
export const newShortLinkId = (): string => randomBytes(SHORT_LINK_BYTES).toString('base64url');
const SHORT_ID = /^[A-Za-z0-9_-]{22}$/;

export function shortLinkRoutes(deps: { db: Db; limit: RequestHandler }): Router {
  const router = Router();
  router.get('/v/:id', deps.limit, async (req, res) => {
    const id = String(req.params.id);
    const target = SHORT_ID.test(id) ? await findShortLinkTarget(deps.db, id) : undefined;
    if (!target) {
      return sendPage(
        res,
        410,
        'This link is no longer valid',
        'It has expired, has been used, or was mistyped. If you are on a call with our support team, ask them to send a new one.',
        'info',
      );
    }
    req.log.info({ verification: target.id.slice(0, 8) }, 'short sign-in link opened');
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).redirect(303, target.url);
  });
  return router;
}
