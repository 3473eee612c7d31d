import { ERROR_STATUS, type ErrorCode, type ErrorIssue, type WithdrawnReason } from '@vouchsafe/contracts';

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
    readonly extra: {
      detail?: string;
      cause?: unknown;
      issues?: ErrorIssue[];
      retryAfterSeconds?: number;
      withdrawnReason?: WithdrawnReason;
    } = {},
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

const WITHDRAWN_BECAUSE: Record<WithdrawnReason, string> = {
  ticket_closed: 'the ticket it was sent from was closed',
  ticket_deleted: 'the ticket it was sent from was deleted',
  ticket_merged: 'the ticket it was sent from was merged into another one',
};

/**
 * Issue 12: a ticket-bound secret that was withdrawn with its ticket. Only the holder of the 128-bit link id learns
 * this (and only while the revoked row is kept, until its expiry); everything else still answers `secretGone()`.
 */
export function secretWithdrawn(reason: WithdrawnReason): AppError {
  return new AppError(
    'secret_withdrawn',
    `This secret was withdrawn because ${WITHDRAWN_BECAUSE[reason]}. Ask the sender for a new link.`,
    {
      withdrawnReason: reason,
    },
  );
}
