import type { Desk, TenantCreateRequest } from '@vouchsafe/contracts';
import type { RegistrationOutbound } from '../providers/descriptor';
import type { DeskDescriptor } from './descriptor';
import { jiraDescriptor } from './jira/descriptor';
import { serviceNowDescriptor } from './servicenow/descriptor';
import { zendeskDescriptor } from './zendesk/descriptor';

/** One line per help desk. Adding a desk: a folder with its descriptor (and connector), and a line here. */
export const DESK_DESCRIPTORS: { readonly [D in Desk]: DeskDescriptor<D> } = {
  zendesk: zendeskDescriptor,
  servicenow: serviceNowDescriptor,
  jira: jiraDescriptor,
};

/**
 * A registration read through its desk's descriptor: the account it names, the public verification material to
 * store, and what must be fixed before it may be stored. TypeScript cannot correlate `req.desk` with the descriptor's
 * type parameter, so the one cast lives here.
 */
export function registrationOf(req: TenantCreateRequest) {
  const descriptor = DESK_DESCRIPTORS[req.desk] as DeskDescriptor<Desk>;
  return {
    account: descriptor.accountOf(req),
    verification: descriptor.verificationOf(req),
    issues: (outbound: RegistrationOutbound) => descriptor.registrationIssues(req, outbound),
  };
}
