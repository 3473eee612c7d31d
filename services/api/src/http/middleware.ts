import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ZodError } from 'zod';
import type { ErrorBody } from '@vouchsafe/contracts';
import { AppError } from '../errors';
import { databaseUnavailable, isDatabaseOutage } from '../db/availability';
import type { Logger } from '../logger';
import { truncateIp } from '../lib/client-ip';
import { safeEqual } from '../lib/ids';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own extension point
  namespace Express {
    interface Request {
      id: string;
      log: Logger;
      tenantId: string;
    }
  }
}

export function requestContext(logger: Logger, defaultTenantId: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    req.id = randomUUID();
    req.tenantId = defaultTenantId;
    req.log = logger.child({ requestId: req.id });
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // The route pattern, never the URL: paths carry secret ids.
      req.log.info(
        {
          method: req.method,
          route: req.route?.path ?? (req.path.startsWith('/api/') ? 'unmatched' : 'static'),
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  };
}

export function noStore(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  next();
}

/** JSON endpoints accept nothing else: a form post or text body is refused before parsing. */
export function requireJson(req: Request, _res: Response, next: NextFunction) {
  if (!req.is('application/json')) {
    next(new AppError('unsupported_media_type', 'Send the request body as application/json.'));
    return;
  }
  next();
}

export function bearerAuth(tokens: readonly string[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const presented = m?.[1];
    // Compare against every token so timing does not reveal which one nearly matched.
    const ok = presented !== undefined && tokens.reduce((acc, t) => safeEqual(presented, t) || acc, false);
    if (!ok) {
      next(new AppError('unauthorized', 'A valid API token is required to create secrets (Authorization: Bearer <token>).'));
      return;
    }
    next();
  };
}

/** A fixed-window limiter per client address for the public endpoints (S9). Per process. */
export function rateLimit(perMinute: number) {
  const windows = new Map<string, { start: number; count: number }>();
  return (req: Request, res: Response, next: NextFunction) => {
    const now = Date.now();
    const key = req.ip ?? 'unknown';
    let w = windows.get(key);
    if (!w || now - w.start >= 60_000) {
      if (windows.size > 50_000) windows.clear();
      w = { start: now, count: 0 };
      windows.set(key, w);
    }
    w.count += 1;
    if (w.count > perMinute) {
      const retry = Math.ceil((w.start + 60_000 - now) / 1000);
      res.setHeader('Retry-After', String(retry));
      next(new AppError('rate_limited', `Too many requests from your address. Try again in ${retry} seconds.`, { retryAfterSeconds: retry }));
      return;
    }
    next();
  };
}

export const clientIpOf = (req: Request) => truncateIp(req.ip);

interface BodyParserError {
  type?: string;
  status?: number;
}

export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction) {
  let appError: AppError;
  const bp = err as BodyParserError;
  if (err instanceof AppError) {
    appError = err;
  } else if (err instanceof ZodError) {
    const issues = err.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
    const summary = issues
      .slice(0, 3)
      .map((i) => `${i.path} ${i.message}`)
      .join('; ');
    appError = new AppError('validation_failed', `The request is not valid: ${summary}.`, { issues });
  } else if (bp?.type === 'entity.too.large') {
    appError = new AppError('payload_too_large', 'The request body is larger than this endpoint accepts.');
  } else if (bp?.type === 'entity.parse.failed') {
    appError = new AppError('bad_request', 'The request body is not valid JSON.');
  } else if (bp?.type === 'encoding.unsupported' || bp?.type === 'charset.unsupported') {
    appError = new AppError('unsupported_media_type', 'Send the request body as UTF-8 application/json.');
  } else if (typeof bp?.status === 'number' && bp.status >= 400 && bp.status < 500) {
    appError = new AppError('bad_request', 'The request could not be read.');
  } else if (isDatabaseOutage(err)) {
    // An outage, not a bug: 503 with Retry-After. The database monitor logs it once per outage, not per request.
    appError = databaseUnavailable(err);
  } else {
    appError = new AppError('internal', 'Something went wrong on our side. Quote the request id if you contact support.', {
      cause: err,
    });
  }
  if (appError.status >= 500 && !isDatabaseOutage(err)) {
    req.log?.error({ err: appError.cause ?? appError, code: appError.code }, 'request failed');
  } else {
    req.log?.info({ code: appError.code }, 'request refused');
  }
  const body: ErrorBody = {
    error: {
      code: appError.code,
      message: appError.message,
      requestId: req.id,
      ...(appError.extra.issues ? { issues: appError.extra.issues } : {}),
      ...(appError.extra.retryAfterSeconds !== undefined ? { retryAfterSeconds: appError.extra.retryAfterSeconds } : {}),
    },
  };
  if (appError.extra.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(appError.extra.retryAfterSeconds));
  res.status(appError.status).json(body);
}
