import { SidebarApiError, type ErrorBody } from '@vouchsafe/contracts';
import type { TransportResponse } from './transport.types';

export const UNREACHABLE_MESSAGE = 'Vouchsafe could not be reached. Check your connection and try again.';
export const SESSION_REJECTED_MESSAGE = 'This sidebar session could not be verified. Reopen the ticket to start a new one.';
const NOT_FOUND_MESSAGE = 'That item does not exist for this ticket.';

function errorOf(body: unknown): ErrorBody['error'] | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error = body.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  return error as ErrorBody['error'];
}

/** Maps an API answer that is not the expected success to what the sidebar shows. */
export function toSidebarApiError(response: TransportResponse): SidebarApiError {
  const { status } = response;
  const error = errorOf(response.body);
  if (status === 401) return new SidebarApiError('session_rejected', error?.message ?? SESSION_REJECTED_MESSAGE, status, error?.code);
  if (status === 404) return new SidebarApiError('not_found', error?.message ?? NOT_FOUND_MESSAGE, status, error?.code);
  if (status >= 400 && status < 500) {
    const retryAfter = typeof error?.retryAfterSeconds === 'number' && error.retryAfterSeconds >= 0 ? error.retryAfterSeconds : undefined;
    return new SidebarApiError(
      'rejected',
      error?.message ?? `Vouchsafe refused the request (HTTP ${status}).`,
      status,
      error?.code,
      retryAfter,
    );
  }
  // 5xx (including a help desk the API could not reach), 3xx and anything unexpected.
  return new SidebarApiError('unreachable', UNREACHABLE_MESSAGE, status, error?.code);
}

export function unreachable(status?: number): SidebarApiError {
  return new SidebarApiError('unreachable', UNREACHABLE_MESSAGE, status);
}
