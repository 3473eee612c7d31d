/**
 * What the sidebar says: the very sentences packages/ui renders (its exported `messages`). Imported by path
 * because @vouchsafe/ui is not a dependency of this package; the file imports only @vouchsafe/contracts.
 */
export { messages as SIDEBAR } from '../../../packages/ui/src/messages';

/** Labels on the stand-in agent pages (apps/demo-desk/public/*.html). */
export const DESK_PAGE = {
  zendeskReply: 'Reply draft',
  zendeskRequester: 'Change requester',
  serviceNowCompose: 'Compose',
  jiraReply: 'Reply to customer',
  internalNote: 'Internal note',
  // Issue 12: the Zendesk stand-in page plays the customer and the desk (apps/demo-desk/public/zendesk.html).
  zendeskCustomerComment: 'Customer comment',
  zendeskAddCustomerComment: 'Add customer comment',
  zendeskSolve: 'Solve ticket',
  publicReply: 'Public reply',
} as const;
