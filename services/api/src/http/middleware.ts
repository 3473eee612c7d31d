import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ZodError } from 'zod';
import type { ErrorBody } from '@vouchsafe/contracts';
import { AppError } from '../errors';
import { databaseUnavailable, isDatabaseOutage } from '../db/availability';
import type { Logger } from '../logger';
import { truncateIp } from '../lib/client-ip';
import { isPagePath, sendPage } from './page';

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
      // Routine polls that succeed (an open sidebar refreshes every 5 s) are debug: at info they buried the rest.
      const level = res.locals.isRoutinePoll === true && res.statusCode < 400 ? 'debug' : 'info';
      // The route pattern, never the URL: paths carry secret ids.
      req.log[level](
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

/** Marks a route that clients poll on a timer: its successful requests are logged at debug, not info. */
export function routinePoll(_req: Request, res: Response, next: NextFunction) {
  res.locals.isRoutinePoll = true;
  next();
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
      ...(appError.extra.withdrawnReason ? { withdrawnReason: appError.extra.withdrawnReason } : {}),
    },
  };
  if (appError.extra.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(appError.extra.retryAfterSeconds));
  if (isPagePath(req.path)) {
    // Someone opened a link in a browser: answer with a page, not JSON.
    const isOurs = appError.status >= 500;
    sendPage(
      res,
      appError.status,
      isOurs ? 'Something went wrong' : 'This link cannot be used',
      isOurs ? `${appError.message} (${req.id})` : `${appError.message} Ask our support team to send a new link if you need one.`,
    );
    return;
  }
  res.status(appError.status).json(body);
}
