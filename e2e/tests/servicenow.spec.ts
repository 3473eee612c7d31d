import { test } from './support/browser-checks';
import { newTicket } from './support/desks';
import { sendRevealAndNote } from './support/sidebar-flow';

// ServiceNow: the sidebar in a workspace iframe whose URL carries table, sys_id and the instance-minted JWT
// (fragment); the link reaches the compose box by postMessage; notes are work notes through the Table API.

test('an agent sends a secret from a ServiceNow incident; the customer reveals it once; the incident gets masked work notes', async ({
  page,
  browser,
  request,
}) => {
  const ticket = await newTicket(request, 'servicenow');
  await sendRevealAndNote({ page, browser, request }, ticket);
});
