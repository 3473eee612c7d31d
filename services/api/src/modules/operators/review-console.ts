import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { REVIEW_API_PATHS, REVIEW_CONSOLE_PATH } from '@vouchsafe/contracts';
import { noStore } from '../../http/middleware';
import { sendPage } from '../../http/page';

export { REVIEW_CONSOLE_PATH };
export const REVIEW_API_PREFIX = REVIEW_API_PATHS.prefix;

/**
 * The reviewer console (apps/review, built with base `/review/`): a static single page under the app's strict CSP
 * (script-src 'self', connect-src 'self', frame-ancestors 'none'). Every path under /review/ that is not a file is the
 * page; the page itself is never cached. Reading anything needs the reviewer API, which checks the session.
 */
export function reviewConsole(dir: string): Router {
  const router = express.Router();
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) {
    router.use(noStore, (_req, res) =>
      sendPage(res, 404, 'Reviewer console not built', 'Build it with `pnpm --filter @vouchsafe/review build` and restart.'),
    );
    return router;
  }
  router.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  router.get('/', noStore, (req, res) => {
    // `/review` → `/review/`, so the page's own URL is the console's root.
    if (req.originalUrl.split('?')[0] === REVIEW_CONSOLE_PATH) return res.redirect(301, `${REVIEW_CONSOLE_PATH}/`);
    res.sendFile(index);
  });
  router.use(express.static(dir, { index: false }));
  router.get('/*splat', noStore, (_req, res) => res.sendFile(index));
  return router;
}
