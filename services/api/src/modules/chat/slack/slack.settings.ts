import { z } from 'zod';

/**
 * The Slack app's settings (issue 13), declared once: config.ts spreads this slice into its SETTINGS table (it stays
 * the only reader of the environment). The app is off until the signing secret, client id and client secret are set.
 * Secrets have no default and are never logged. The two URLs are Slack's own; they change only for the stand-in.
 */
export const SLACK_SETTINGS = {
  slackClientId: ['VOUCHSAFE_SLACK_CLIENT_ID', z.string().min(1).max(200).optional()],
  slackClientSecret: ['VOUCHSAFE_SLACK_CLIENT_SECRET', z.string().min(1).max(500).optional()],
  slackSigningSecret: ['VOUCHSAFE_SLACK_SIGNING_SECRET', z.string().min(1).max(500).optional()],
  /** Slack's Web API base (WebClient `slackApiUrl`), ending in `/`. */
  slackApiUrl: ['VOUCHSAFE_SLACK_API_URL', z.string().url().max(500).default('https://slack.com/api/')],
  /** Where an admin's browser is sent to approve the install (OAuth v2). */
  slackAuthorizeUrl: ['VOUCHSAFE_SLACK_AUTHORIZE_URL', z.string().url().max(500).default('https://slack.com/oauth/v2/authorize')],
} as const satisfies Record<string, readonly [string, z.ZodType]>;

export type SlackSettingKey = keyof typeof SLACK_SETTINGS;

/** The bot scopes the install asks for (README "Slack install guide" says why each is needed). */
export const SLACK_BOT_SCOPES = ['commands', 'chat:write', 'users:read', 'users:read.email', 'im:write'] as const;

/** Problems with the settings as a whole (config.ts runs this with its other cross-setting rules). */
export function slackSettingsProblem(s: {
  slackClientId?: string | undefined;
  slackClientSecret?: string | undefined;
  slackSigningSecret?: string | undefined;
  slackApiUrl: string;
  env: string;
}): string | undefined {
  const set = [s.slackClientId, s.slackClientSecret, s.slackSigningSecret].filter((v) => v !== undefined).length;
  if (set !== 0 && set !== 3) {
    return 'VOUCHSAFE_SLACK_CLIENT_ID, VOUCHSAFE_SLACK_CLIENT_SECRET and VOUCHSAFE_SLACK_SIGNING_SECRET go together';
  }
  if (s.env === 'production' && !s.slackApiUrl.startsWith('https://')) return 'VOUCHSAFE_SLACK_API_URL must be https in production';
  return undefined;
}
