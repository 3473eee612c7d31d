import { ERROR_STATUS, type ErrorCode, type ErrorIssue } from '@vouchsafe/contracts';

/**
 * The one error type the API throws on purpose. `message` is public and written for the person
 * reading it; `detail` and `cause` stay in the server log. Never put a token, key, secret or full
 * URL in either.
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  readonly expose: boolean;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { detail?: string; cause?: unknown; issues?: ErrorIssue[]; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: extra.cause });
    this.status = ERROR_STATUS[code];
    this.expose = this.status < 500;
  }
}

/** Unknown, expired, used-up and revoked secrets all answer with exactly this (no oracle). */
export function secretGone(): AppError {
  return new AppError(
    'secret_gone',
    'This secret does not exist or is no longer available: it expired, was already viewed, or was revoked.',
  );
}
