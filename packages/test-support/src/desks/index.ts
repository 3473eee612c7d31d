export { DESK_ACCOUNTS } from './desk.accounts';
export type { FaultOptions } from './desk.faults';
export type { DeskKeyName, DeskKeys, DeskKeySet } from './desk.keys';
export { DeskState, type DeskData, type NewTicket } from './desk.state';
export type { DeskTenants, JiraTenantCreateRequest, ServiceNowTenantCreateRequest, ZendeskTenantCreateRequest } from './desk.tenants';
export type { DeskMint, ForgeTokenOptions, ServiceNowTokenOptions, TokenOverrides, ZendeskTokenOptions } from './desk.tokens';
export { DESK_NAMES, type Desk, type DeskComment, type DeskPerson, type DeskRequest, type DeskTicket, type FaultMode } from './desk.types';
export {
  createDeskStandIns,
  startDeskStandIns,
  type DeskStandInOptions,
  type DeskStandIns,
  type StartedDeskStandIns,
} from './stand-ins';
