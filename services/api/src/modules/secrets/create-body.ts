import type { RequestHandler } from 'express';
import { LIMITS, formatBytes } from '@vouchsafe/contracts';
import { AppError } from '../../errors';
import { jsonBody } from '../../http/input';

/** The limits in the words every client uses (contracts' one size formatter): "Files can be at most 10.0 MiB". */
export function sizeLimitMessage(kind: 'text' | 'file', maxFileBytes: number): string {
  return kind === 'text'
    ? `Text secrets can be at most ${formatBytes(LIMITS.textBytes)}; this one is larger. Send it as a file instead.`
    : `Files can be at most ${formatBytes(maxFileBytes)}; this one is larger.`;
}

/**
 * The create body parser of the vault and the sidebar. The body limit is the file limit in base64 plus
 * the JSON around it, so a body over it can only be a file over the limit: say so with the limit,
 * instead of the parser's generic "larger than this endpoint accepts".
 */
export function createSecretBody(maxFileBytes: number): RequestHandler {
  // base64 inflates by 4/3; allow for the JSON around it.
  const parse = jsonBody(Math.ceil(((maxFileBytes + LIMITS.envelopeOverheadBytes) * 4) / 3) + 16 * 1024);
  return (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      const isTooLarge = (err as { type?: unknown } | undefined)?.type === 'entity.too.large';
      next(isTooLarge ? new AppError('payload_too_large', sizeLimitMessage('file', maxFileBytes)) : err);
    });
}
