/**
 * Local stand-ins of the Zendesk, ServiceNow and Jira Service Management REST APIs, with the key material and
 * host tokens their sidebars carry. For API integration tests, e2e and the demo desk (apps/demo-desk):
 *
 *   const desks = await startDeskStandIns();
 *   for (const body of Object.values(desks.tenants())) await admin.post('/api/v1/admin/tenants', body);
 *   const token = await desks.mint.zendesk({ agentId: desks.state.zendesk.agents[0].id });
 *   // … exercise the API, then:
 *   expect(desks.state.notes('zendesk', '101')).toHaveLength(1);
 *   desks.dropResponses('servicenow', 1); desks.outage('jira', 5_000, { mode: 'destroy' });
 *
 * Or mount `(await createDeskStandIns()).router` at '/' of another express app and call setBaseUrl().
 */
export { DESK_ACCOUNTS } from './desk.accounts';
export type { DeskWebhooks, LifecycleKind, SignOptions, WebhookDelivery, WebhookTarget } from './desk.webhooks';
export type { DeskAdmin } from './desk.admin';
export type { FaultOptions } from './desk.faults';
export type { DeskKeyName, DeskKeys, DeskKeySet } from './desk.keys';
export { DeskState, type DeskData, type DeskSnapshot, type NewTicket } from './desk.state';
export type { DeskTenants, JiraTenantCreateRequest, ServiceNowTenantCreateRequest, ZendeskTenantCreateRequest } from './desk.tenants';
export type { DeskMint, ForgeTokenOptions, ServiceNowTokenOptions, TokenOverrides, ZendeskTokenOptions } from './desk.tokens';
export {
  DESK_NAMES,
  type Desk,
  type DeskComment,
  type DeskPerson,
  type DeskRequest,
  type DeskTicket,
  type DeskTicketStatus,
  type FaultMode,
} from './desk.types';
export { createDeskStandIns, startDeskStandIns, type DeskStandInOptions, type DeskStandIns, type StartedDeskStandIns } from './stand-ins';
