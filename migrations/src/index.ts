import type { Migration } from 'kysely';
import * as vault from './2026-11-25T00-00-00-vault';
import * as helpdesks from './2026-11-25T01-00-00-helpdesks';
import * as verification from './2026-11-25T02-00-00-verification';
import * as verificationHardening from './2026-12-03T01-00-00-verification-hardening';
import * as rateLimits from './2026-12-03T02-00-00-rate-limits';
import * as auditCheckpoints from './2026-12-03T03-00-00-audit-checkpoints';
import * as siemOutbox from './2026-12-03T05-00-00-siem-outbox';
import * as receiptsRetention from './2026-12-03T06-00-00-receipts-retention';
import * as apiTokens from './2026-12-03T08-00-00-api-tokens';
import * as shortLinksOverrideDecline from './2026-12-03T16-16-00-short-links-override-decline';
import * as pendingChanges from './2026-12-03T17-00-00-pending-changes';
import * as fraudFlags from './2026-12-03T17-10-00-fraud-flags';
import * as deskEvents from './2026-12-03T20-10-00-desk-events';
import * as ticketLifecycle from './2026-12-03T20-20-00-ticket-lifecycle';
import * as documentRequests from './2026-12-03T20-30-00-document-requests';
import * as tenantBranding from './2026-12-03T20-40-00-tenant-branding';
import * as chatWorkspaces from './2026-12-03T20-50-00-chat-workspaces';

/** Every migration, by name; names sort in the order they must run. */
export const migrations: Record<string, Migration> = {
  '2026-11-25T00-00-00-vault': vault,
  '2026-11-25T01-00-00-helpdesks': helpdesks,
  '2026-11-25T02-00-00-verification': verification,
  '2026-12-03T01-00-00-verification-hardening': verificationHardening,
  '2026-12-03T02-00-00-rate-limits': rateLimits,
  '2026-12-03T03-00-00-audit-checkpoints': auditCheckpoints,
  '2026-12-03T05-00-00-siem-outbox': siemOutbox,
  '2026-12-03T06-00-00-receipts-retention': receiptsRetention,
  '2026-12-03T08-00-00-api-tokens': apiTokens,
  '2026-12-03T16-16-00-short-links-override-decline': shortLinksOverrideDecline,
  '2026-12-03T17-00-00-pending-changes': pendingChanges,
  '2026-12-03T17-10-00-fraud-flags': fraudFlags,
  '2026-12-03T20-10-00-desk-events': deskEvents,
  '2026-12-03T20-20-00-ticket-lifecycle': ticketLifecycle,
  '2026-12-03T20-30-00-document-requests': documentRequests,
  '2026-12-03T20-40-00-tenant-branding': tenantBranding,
  '2026-12-03T20-50-00-chat-workspaces': chatWorkspaces,
};
