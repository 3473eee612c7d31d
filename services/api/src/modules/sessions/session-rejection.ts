import type { Desk } from '@vouchsafe/contracts';
import { AppError } from '../../errors';

/**
 * Why a host token or a session was refused. Stable strings: they label the
 * `vouchsafe_session_rejections_total` metric and the log line, never the response.
 */
export const REJECTION_REASONS = [
  'malformed',
  'token_missing',
  'alg_not_allowed',
  'bad_signature',
  'expired',
  'not_yet_valid',
  'wrong_audience',
  'wrong_issuer',
  'claims_missing',
  'unknown_tenant',
  'ticket_mismatch',
  'chain_expired',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export const SESSION_REJECTED_MESSAGE = 'This sidebar session could not be verified. Reopen the ticket to start a new one.';

/** Thrown by the verifiers; the routes turn it into one 401 whatever the reason. */
export class SessionRejection extends Error {
  override name = 'SessionRejection';
  constructor(
    readonly reason: RejectionReason,
    /** Private detail for the log: never a token or claim value. */
    readonly detail?: string,
  ) {
    super(`session rejected: ${reason}`);
  }
}

export type RejectionDesk = Desk | 'session';

export interface RejectionSink {
  sessionRejections: { inc(labels: { desk: string; reason: string }): void };
}

export function toAppError(rejection: SessionRejection): AppError {
  return new AppError('session_rejected', SESSION_REJECTED_MESSAGE, { detail: rejection.reason });
}
