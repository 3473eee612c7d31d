import { test } from './support/browser-checks';
import { newTicket } from './support/desks';
import { sendRevealAndNote } from './support/sidebar-flow';

// Jira Service Management: the built Forge Custom UI with a stand-in bridge; API calls go through "Forge Remote"
// (the stand-in adds a Forge Invocation Token signed by the key in its JWKS). JSM has no way for the app to write
// into the reply editor, so the agent copies the link from the sidebar.

test('an agent sends a secret from a JSM request; the customer reveals it once; the request gets masked internal comments', async ({
  page,
  browser,
  request,
}) => {
  const ticket = await newTicket(request, 'jira');
  await sendRevealAndNote({ page, browser, request }, ticket);
});
