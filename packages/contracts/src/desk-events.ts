import { z } from 'zod';
import { text } from './text';
import type { Desk } from './sidebar';

/**
 * Issue 12, "after it got in": desk webhooks (one receiver per desk, the tenant in the path AND the signature made
 * with that tenant's webhook secret), their signing headers, the admin call that sets the secret, and the per-tenant
 * comment redaction mode (a field of the versioned policy).
 */

const enc = encodeURIComponent;

export const DESK_EVENT_PATHS = {
  /** Express mount of the receivers: `POST /api/v1/desk-events/<desk>/<tenant slug>`. */
  mount: '/api/v1/desk-events',
  receiver: (desk: Desk, tenantSlug: string) => `/api/v1/desk-events/${desk}/${enc(tenantSlug)}`,
  /** PUT {secret} / DELETE: the tenant's webhook signing secret (admin). */
  adminWebhookSecret: (slug: string) => `/api/v1/admin/tenants/${enc(slug)}/webhook-secret`,
} as const;

/** Header names, lower case as Node gives them. Zendesk and Jira as documented; ServiceNow's are ours (its business rule sets them). */
export const DESK_WEBHOOK_HEADERS = {
  zendeskSignature: 'x-zendesk-webhook-signature',
  zendeskTimestamp: 'x-zendesk-webhook-signature-timestamp',
  jiraSignature: 'x-hub-signature',
  servicenowSignature: 'x-vouchsafe-signature',
  servicenowTimestamp: 'x-vouchsafe-timestamp',
} as const;

/** How far a signed timestamp may be from our clock (seconds) before a delivery is refused as stale. */
export const DESK_WEBHOOK_WINDOW_SECONDS = 300;

export const WebhookSecretRequestSchema = z
  .object({
    /** The desk's webhook signing secret (Zendesk: the webhook's signing secret; Jira: the admin webhook's secret; ServiceNow: one you generate). */
    secret: text().min(16).max(512),
  })
  .strict();
export type WebhookSecretRequest = z.infer<typeof WebhookSecretRequestSchema>;

/**
 * What Vouchsafe does with a secret found in a new desk comment:
 * `off` nothing; `report` a masked internal note + audit; `redact` replace it through the desk's API (where the desk
 * allows), then note + audit; `redact_and_offer_upload` as redact, plus an upload link for the customer once the
 * document exchange (issue 11) exists — until then the note says none was sent.
 */
export const COMMENT_REDACTION_MODES = ['off', 'report', 'redact', 'redact_and_offer_upload'] as const;
export const CommentRedactionModeSchema = z.enum(COMMENT_REDACTION_MODES);
export type CommentRedactionMode = z.infer<typeof CommentRedactionModeSchema>;
