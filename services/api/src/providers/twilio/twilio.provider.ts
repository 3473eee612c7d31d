import { z } from 'zod';
import type { IdpConfig, VerificationPolicy } from '@vouchsafe/contracts';
import type { OutboundFetch } from '../../lib/outbound';
import { ProviderError, type ProviderOutcome, type StartResult, type VerificationProvider } from '../provider.types';
import { maskPhone, toE164 } from './phone';
import { commonError, TWILIO_VERIFY_BASE_URL, twilioErrorCode, twilioPost, type TwilioCredentials } from './twilio.client';

export type TwilioConfig = Extract<IdpConfig, { kind: 'twilio' }>;

export interface TwilioProviderOptions {
  timeoutMs: number;
  policy?: VerificationPolicy;
  /** The outbound-connection guard (S12). */
  outbound: { fetch: OutboundFetch };
}

/** What start() leaves on the verification row: the Verification SID, never the phone number (principle 1). */
export interface TwilioProviderState {
  sid: string;
  channel: 'sms' | 'call';
  /** Epoch milliseconds: tells an expired code (Twilio keeps codes 10 minutes) from a used one when Twilio 404s. */
  sentAt: number;
}

/** Twilio Verify codes live 10 minutes (not configurable on Twilio's side). */
const CODE_LIFETIME_MS = 10 * 60 * 1000;
const SID = /^VE[0-9a-fA-F]{32}$/;

/** What start() stores and complete()/cancel() read back (verifications.provider_state). */
export const TwilioStateSchema = z.object({ sid: z.string().regex(SID), channel: z.enum(['sms', 'call']), sentAt: z.number() });

function parseState(raw: Record<string, unknown>): TwilioProviderState {
  const parsed = TwilioStateSchema.safeParse(raw);
  if (!parsed.success) throw new ProviderError('misconfigured', 'The stored callback state is incomplete.');
  return parsed.data;
}

/**
 * Callback to the number on record through Twilio Verify v2 (REST, form-encoded, Basic auth): a one-time code by SMS
 * or voice call; the caller reads it back and the agent types it in. The number is always the one on record — the
 * IdpUser's phone, which the verification module fills from the IdP profile first, else the desk profile — never one
 * dictated on the call. Never logs; phone numbers and codes never appear in errors.
 */
export function createTwilioProvider(config: TwilioConfig, opts: TwilioProviderOptions): VerificationProvider {
  const creds: TwilioCredentials = {
    accountSid: config.accountSid,
    authToken: config.authToken,
    baseUrl: config.baseUrl ?? TWILIO_VERIFY_BASE_URL,
    timeoutMs: opts.timeoutMs,
    fetch: opts.outbound.fetch,
  };
  const servicePath = `/v2/Services/${encodeURIComponent(config.serviceSid)}`;
  const attempts = opts.policy?.callbackMaxCodeAttempts ?? 3;

  return {
    kind: 'twilio',
    methods: ['callback_sms', 'callback_voice'],

    // Twilio has no directory: the user is the desk's requester, reachable at their E.164 number on record.
    async resolveUser(requester) {
      const phone = toE164(requester.phone);
      if (!phone) return undefined;
      return { ref: maskPhone(phone), email: requester.email, phone };
    },

    async listMethods(user) {
      return toE164(user.phone) ? [{ method: 'callback_sms' }, { method: 'callback_voice' }] : [];
    },

    async start(user, method, _ctx): Promise<StartResult> {
      if (method.method !== 'callback_sms' && method.method !== 'callback_voice') {
        throw new ProviderError('misconfigured', 'The callback provider only sends codes by SMS or voice call.');
      }
      const to = toE164(user.phone);
      if (!to) throw new ProviderError('not_found', 'The requester has no phone number on record in international format.');
      const channel = method.method === 'callback_sms' ? 'sms' : 'call';
      const answer = await twilioPost(creds, `${servicePath}/Verifications`, { To: to, Channel: channel });
      if (answer.status === 400 && twilioErrorCode(answer) === 60200) {
        throw new ProviderError('rejected', 'Twilio refused the number on record (not a valid number for this channel).', 400);
      }
      if (answer.status === 404) throw new ProviderError('misconfigured', 'Twilio does not know the Verify service SID.', 404);
      if (answer.status !== 200 && answer.status !== 201) throw commonError(answer);
      const sid = answer.body.sid;
      if (typeof sid !== 'string' || !SID.test(sid)) throw new ProviderError('unavailable', 'Twilio answered without a verification SID.');
      const state: TwilioProviderState = { sid, channel, sentAt: Date.now() };
      return {
        idpRef: sid,
        binding: { kind: 'callback_code', sentTo: maskPhone(to), channel: channel === 'sms' ? 'sms' : 'voice', attemptsLeft: attempts },
        providerState: { ...state },
      };
    },

    async complete(raw, input): Promise<ProviderOutcome> {
      const state = parseState(raw);
      const code = input.code;
      if (typeof code !== 'string' || !/^\d{4,10}$/.test(code)) return { state: 'waiting' };
      // VerificationSid instead of To: checking by SID needs no phone number in our database.
      const answer = await twilioPost(creds, `${servicePath}/VerificationCheck`, { VerificationSid: state.sid, Code: code });
      if (answer.status === 404) {
        // Twilio deletes a verification once it expires, is approved or runs out of check attempts.
        if (Date.now() - state.sentAt >= CODE_LIFETIME_MS) return { state: 'timed_out' };
        return {
          state: 'failed',
          reason: 'Twilio no longer accepts this code (used, cancelled or too many wrong tries); start a new callback.',
        };
      }
      if (answer.status === 429 && twilioErrorCode(answer) === 60202) {
        return { state: 'failed', reason: 'Too many wrong codes: Twilio stopped accepting this one.' };
      }
      if (answer.status !== 200 && answer.status !== 201) throw commonError(answer);
      switch (answer.body.status) {
        case 'approved':
          return { state: 'verified' };
        case 'pending':
          return { state: 'waiting' };
        case 'expired':
          return { state: 'timed_out' };
        case 'max_attempts_reached':
          return { state: 'failed', reason: 'Too many wrong codes: Twilio stopped accepting this one.' };
        default:
          return { state: 'failed', reason: 'Twilio answered with a state Vouchsafe does not accept.' };
      }
    },

    // Frees the number for a new code at once. A verification Twilio already forgot (404) is as good as cancelled.
    async cancel(raw) {
      const state = parseState(raw);
      const answer = await twilioPost(creds, `${servicePath}/Verifications/${encodeURIComponent(state.sid)}`, { Status: 'canceled' });
      if (answer.status === 404 || answer.status === 200) return;
      throw commonError(answer);
    },
  };
}
