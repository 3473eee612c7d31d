import { LogLevel, webApi, type Logger as SlackLogger } from '@slack/bolt';
import { HelpdeskError } from '../../../helpdesks/helpdesk.types';

/**
 * The Slack Web API client every part of the Slack app uses (Bolt's own WebClient): Slack's base URL from the
 * settings (the stand-in in tests), absolute URLs refused, a bounded timeout, two retries (the client waits out a
 * 429's Retry-After itself), and a logger that drops everything — the client's debug lines carry request bodies and
 * Slack's error text, and this module never logs (it throws; callers log fixed phrases).
 */
export const SILENT_LOGGER: SlackLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

export interface SlackClientSettings {
  slackApiUrl: string;
  timeoutMs: number;
}

export const slackClientOptions = (s: SlackClientSettings): webApi.WebClientOptions => ({
  slackApiUrl: s.slackApiUrl,
  allowAbsoluteUrls: false,
  timeout: s.timeoutMs,
  logger: SILENT_LOGGER,
  retryConfig: { retries: 2, factor: 1, minTimeout: 100, maxTimeout: 1_000 },
});

export function createSlackClient(token: string | undefined, s: SlackClientSettings): webApi.WebClient {
  return new webApi.WebClient(token, slackClientOptions(s));
}

/** Slack's error name (`user_not_found`, `channel_not_found`) of an `ok: false` answer, else undefined. */
export function platformError(err: unknown): string | undefined {
  const e = err as { code?: unknown; data?: { error?: unknown } };
  return e.code === webApi.ErrorCode.PlatformError && typeof e.data?.error === 'string' ? e.data.error : undefined;
}

/** A Web API failure as the HelpdeskError the outbox and the verification module understand (no Slack text kept). */
export function asHelpdeskError(err: unknown, operation: string): HelpdeskError {
  const slackError = platformError(err);
  if (slackError === 'invalid_auth' || slackError === 'token_revoked' || slackError === 'account_inactive' || slackError === 'not_authed') {
    return new HelpdeskError('unauthorized', `Slack refused the bot token (${operation})`);
  }
  if (slackError === 'user_not_found' || slackError === 'channel_not_found')
    return new HelpdeskError('not_found', `Slack: not found (${operation})`);
  if (slackError !== undefined) return new HelpdeskError('rejected', `Slack refused ${operation}: ${slackError.slice(0, 60)}`);
  return new HelpdeskError('unavailable', `Slack could not be reached (${operation})`);
}
