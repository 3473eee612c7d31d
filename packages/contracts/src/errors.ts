/**
 * Every error the API can answer with. The code is stable (clients switch on it);
 * the HTTP status for each code lives in one table so it cannot drift per route.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  validation_failed: 422,
  unauthorized: 401,
  session_rejected: 401,
  forbidden: 403,
  conflict: 409,
  /** Issue 11: an upload or review of a document request that is fulfilled, reviewed, revoked or expired. */
  document_request_closed: 409,
  not_found: 404,
  secret_gone: 404,
  /** Issue 12: a ticket-bound secret withdrawn because its ticket was closed, deleted or merged (`withdrawnReason`). */
  secret_withdrawn: 410,
  wrong_link_key: 403,
  wrong_passphrase: 403,
  passphrase_required: 403,
  verification_required: 403,
  too_many_attempts: 429,
  rate_limited: 429,
  not_ready: 503,
  helpdesk_unavailable: 502,
  /** An identity provider (Okta, Duo, the OIDC provider, Twilio) did not answer. */
  idp_unavailable: 502,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorIssue {
  path: string;
  message: string;
}

/** The body of every non-2xx answer. `requestId` lets support find the server log line. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    requestId?: string;
    issues?: ErrorIssue[];
    retryAfterSeconds?: number;
    /** Issue 12: with `secret_withdrawn`, what happened to the ticket the secret was sent from. */
    withdrawnReason?: WithdrawnReason;
  };
}

/** Issue 12: why a ticket-bound secret was withdrawn with its ticket (the customer's link says so). */
export const WITHDRAWN_REASONS = ['ticket_closed', 'ticket_deleted', 'ticket_merged'] as const;
export type WithdrawnReason = (typeof WITHDRAWN_REASONS)[number];
