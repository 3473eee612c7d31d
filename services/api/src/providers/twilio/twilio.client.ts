import { isOutboundRefusal, type OutboundFetch } from '../../lib/outbound';
import { ProviderError } from '../provider.types';

export const TWILIO_VERIFY_BASE_URL = 'https://verify.twilio.com';

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  baseUrl: string;
  timeoutMs: number;
  /** The outbound guard's fetch (S12). */
  fetch: OutboundFetch;
}

/** Twilio's JSON error body: `{ code, message, more_info, status }`. */
export interface TwilioAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * One form-encoded POST to the Verify v2 REST API with Basic auth (Account SID + auth token). Network failures become
 * ProviderError('unavailable'); every HTTP answer is returned for the caller to interpret. Never logs, and never puts
 * the request body (phone numbers, codes) into an error.
 */
export async function twilioPost(creds: TwilioCredentials, path: string, form: Record<string, string>): Promise<TwilioAnswer> {
  let response: Response;
  try {
    response = await creds.fetch(`${creds.baseUrl.replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${creds.accountSid}:${creds.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(form),
      signal: AbortSignal.timeout(creds.timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    if (isOutboundRefusal(err)) throw new ProviderError('misconfigured', 'Twilio Verify is at an address Vouchsafe may not connect to.');
    throw new ProviderError('unavailable', 'Twilio Verify could not be reached.');
  }
  const json: unknown = await response.json().catch(() => undefined);
  const body = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  return { status: response.status, body };
}

/** The Twilio error code of an answer (e.g. 60200 invalid parameter, 60202 max check attempts, 60203 max sends). */
export function twilioErrorCode(answer: TwilioAnswer): number | undefined {
  return typeof answer.body.code === 'number' ? answer.body.code : undefined;
}

/** Errors every call shares: credentials, rate limits, outages. */
export function commonError(answer: TwilioAnswer): ProviderError {
  if (answer.status === 401 || answer.status === 403) {
    return new ProviderError('misconfigured', 'Twilio refused the account SID and auth token.', answer.status);
  }
  if (answer.status === 429)
    return new ProviderError('rejected', 'Twilio is rate-limiting this number or service; try again later.', answer.status);
  if (answer.status >= 500) return new ProviderError('unavailable', 'Twilio Verify is not answering properly.', answer.status);
  return new ProviderError(
    'rejected',
    `Twilio Verify refused the request (error ${twilioErrorCode(answer) ?? answer.status}).`,
    answer.status,
  );
}
