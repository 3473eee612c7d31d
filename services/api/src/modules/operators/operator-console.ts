import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { noStore } from '../../http/middleware';
import { sendPage } from '../../http/page';

/**
 * An operator console (apps/review at /review, apps/admin at /admin, each built with base `<path>/`): a static single
 * page under the app's strict CSP (script-src 'self', connect-src 'self', frame-ancestors 'none'). Every path under
 * `<path>/` that is not a file is the page; the page itself is never cached. Reading anything needs the API behind
 * it, which checks the operator session and its roles.
 */
export function operatorConsole(dir: string, consolePath: string, pkg: string): Router {
  const router = express.Router();
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) {
    router.use(noStore, (_req, res) =>
      sendPage(res, 404, 'Console not built', `Build it with \`pnpm --filter ${pkg} build\` and restart.`),
    );
    return router;
  }
  router.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  router.get('/', noStore, (req, res) => {
    // `/review` → `/review/`, so the page's own URL is the console's root.
    if (req.originalUrl.split('?')[0] === consolePath) return res.redirect(301, `${consolePath}/`);
    res.sendFile(index);
  });
  router.use(express.static(dir, { index: false }));
  router.get('/*splat', noStore, (_req, res) => res.sendFile(index));
  return router;
}
