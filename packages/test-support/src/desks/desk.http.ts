import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { DeskFaults } from './desk.faults';
import type { DeskState } from './desk.state';
import type { Desk } from './desk.types';

/** The vendor's error bodies, so connectors parse what they would get from the real desk. */
export interface DeskErrorBodies {
  unauthorized: unknown;
  notFound: unknown;
  badRequest(detail: string): unknown;
  unavailable: unknown;
}

export interface DeskContext {
  state: DeskState;
  faults: DeskFaults;
  /** `http://127.0.0.1:<port>` (for self links), or undefined before the stand-ins listen. */
  baseUrl(): string | undefined;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type Reply = (req: Request, res: Response, status: number, body: unknown) => void;

function fail(req: Request, res: Response, mode: 'status' | 'destroy', body: unknown): void {
  if (mode === 'destroy') {
    req.socket.destroy();
    return;
  }
  res.status(503).set('Retry-After', '1').json(body);
}

/** Answers, unless a lost reply is pending for this desk and the request was a successful write. */
export function createReply(desk: Desk, ctx: DeskContext, errors: DeskErrorBodies): Reply {
  return (req, res, status, body) => {
    if (WRITE_METHODS.has(req.method) && status < 400) {
      const mode = ctx.faults.takeDrop(desk);
      if (mode) {
        fail(req, res, mode, errors.unavailable);
        return;
      }
    }
    res.status(status).json(body);
  };
}

/** The first string value of a query parameter. */
export function queryParam(req: Request, name: string): string | undefined {
  const value: unknown = req.query[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** Whether the Authorization header carries one of the accepted Basic `user:secret` pairs or Bearer tokens. */
export function isAuthorized(req: Request, basic: readonly string[], bearer: readonly string[]): boolean {
  const header = req.get('authorization') ?? '';
  const match = /^(Basic|Bearer)\s+(\S+)$/i.exec(header);
  if (!match?.[1] || !match[2]) return false;
  if (match[1].toLowerCase() === 'bearer') return bearer.includes(match[2]);
  return basic.includes(Buffer.from(match[2], 'base64').toString('utf8'));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A desk's router: request log, outage, JSON bodies, the desk's routes (`mount`), then vendor-shaped 404 and 400
 * answers. `open` routes (e.g. the JWKS) skip the credential check; everything else needs `authorized`.
 */
export function createDeskRouter(
  desk: Desk,
  ctx: DeskContext,
  errors: DeskErrorBodies,
  options: { authorized: (req: Request) => boolean; open?: (router: Router) => void; mount: (router: Router) => void },
): Router {
  const router = express.Router();
  router.use((req, res, next) => {
    const entry = { desk, method: req.method, path: req.path, query: req.originalUrl.split('?')[1] ?? '', at: new Date() };
    let isLogged = false;
    const log = (): void => {
      if (isLogged) return;
      isLogged = true;
      ctx.state.recordRequest({ ...entry, status: res.writableFinished ? res.statusCode : 0 });
    };
    res.once('finish', log);
    res.once('close', log);
    next();
  });
  router.use((req, res, next) => {
    const mode = ctx.faults.outageNow(desk);
    if (mode) fail(req, res, mode, errors.unavailable);
    else next();
  });
  options.open?.(router);
  router.use((req, res, next) => {
    if (options.authorized(req)) next();
    else res.status(401).set('WWW-Authenticate', 'Basic realm="Web Password"').json(errors.unauthorized);
  });
  router.use(express.json({ limit: '1mb' }));
  options.mount(router);
  router.use((_req, res) => {
    res.status(404).json(errors.notFound);
  });
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = isPlainObject(err) ? err.type : undefined;
    if (type === 'entity.parse.failed') res.status(400).json(errors.badRequest('The payload is not valid JSON.'));
    else if (type === 'entity.too.large') res.status(413).json(errors.badRequest('The payload is too large.'));
    else res.status(500).json(errors.badRequest('The stand-in failed.'));
  });
  return router;
}
