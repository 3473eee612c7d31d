// The Zendesk agent page: a ticket, its reply draft and conversation, and the Vouchsafe app in the ticket_sidebar
// location, hosted through the ZAF parent protocol (zaf-parent.js) like Zendesk hosts it. The app is loaded like a
// signedUrls app: a form POST of {token} into the iframe, with origin + app_guid in the query.
import { agentIndex, appendTo, el, getJson, lastSegment, pollComments, postJson, renderFacts, tokenVariant } from '/common.js';
import { createZafParent } from '/zaf-parent.js';

const ticketId = lastSegment();
const frame = document.getElementById('sidebar');
const reply = document.getElementById('reply');
const errorBox = document.getElementById('error');
const requesterPicker = document.getElementById('requester');
const solve = document.getElementById('solve');

function fail(message) {
  errorBox.textContent = errorBox.hidden ? message : `${errorBox.textContent}\n${message}`;
  errorBox.hidden = false;
}

const config = await getJson('/agent/config.json');
const apiOrigin = new URL(config.apiUrl).origin;
const ticketUrl = `/zendesk/agent/api/tickets/${encodeURIComponent(ticketId)}?agent=${agentIndex()}`;
let ticket = await getJson(ticketUrl).catch(() => undefined);
if (!ticket) {
  document.getElementById('subject').textContent = `Ticket #${ticketId} not found`;
  throw new Error(`no ticket ${ticketId}`);
}

function showTicket() {
  document.title = `#${ticket.id} ${ticket.subject} — Zendesk (local stand-in)`;
  document.getElementById('subject').textContent = `#${ticket.id} ${ticket.subject}`;
  renderFacts(document.getElementById('facts'), [
    ['Requester', `${ticket.requester.name} <${ticket.requester.email}>`],
    ['Assignee', ticket.agent.name],
    ['Status', ticket.status],
  ]);
  solve.disabled = ticket.status !== 'open';
  requesterPicker.replaceChildren(
    ...ticket.requesters.map((p) => el('option', { value: p.id, ...(p.id === ticket.requester.id ? { selected: '' } : {}) }, p.name)),
  );
}
showTicket();
pollComments(
  `/zendesk/agent/api/tickets/${encodeURIComponent(ticketId)}/comments`,
  document.getElementById('comments'),
  'No comments yet.',
);

// Issue 14: the agent's colour scheme, as Zendesk Support's dark mode reports it to apps (`colorScheme` path,
// `colorScheme.changed` event). `?colorScheme=dark` opens the page dark; the picker switches it at runtime.
const schemePicker = document.getElementById('color-scheme');
let colorScheme = new URLSearchParams(location.search).get('colorScheme') === 'dark' ? 'dark' : 'light';
schemePicker.value = colorScheme;
document.documentElement.dataset.colorScheme = colorScheme;

const appGuid = crypto.randomUUID();
const account = config.zendesk;
const userOf = (person, role) => ({ id: Number(person.id), name: person.name, email: person.email, role });

/** Paths of the ticket_sidebar location (Ticket, Current user, Comment and Current account objects) the app may read. */
const paths = {
  'ticket.id': () => Number(ticket.id),
  'ticket.subject': () => ticket.subject,
  'ticket.requester': () => userOf(ticket.requester, 'end-user'),
  'ticket.requester.id': () => Number(ticket.requester.id),
  'ticket.requester.email': () => ticket.requester.email,
  'ticket.requester.name': () => ticket.requester.name,
  currentUser: () => userOf(ticket.agent, 'agent'),
  'currentUser.id': () => Number(ticket.agent.id),
  'currentUser.name': () => ticket.agent.name,
  'currentUser.email': () => ticket.agent.email,
  'currentUser.role': () => 'agent',
  currentAccount: () => ({ subdomain: account.subdomain }),
  'currentAccount.subdomain': () => account.subdomain,
  'comment.text': () => reply.value,
  colorScheme: () => colorScheme,
};

function resize(size) {
  const height = size?.height;
  if (height === undefined) throw new Error('resize without a height');
  frame.style.height = typeof height === 'number' || /^\d+$/.test(String(height)) ? `${height}px` : String(height);
}

function appendText(text) {
  if (typeof text !== 'string') throw new Error('appendText needs a string');
  appendTo(reply, text);
}

const zaf = createZafParent({
  frame,
  appOrigin: apiOrigin,
  appGuid,
  // client.context(): the documented shape for a ticket_sidebar app.
  context: (instanceGuid) => ({
    instanceGuid,
    product: 'support',
    account: { subdomain: account.subdomain },
    location: 'ticket_sidebar',
    ticketId: Number(ticket.id),
  }),
  // client.metadata(): ids, name, version and the installation's settings (non-secure manifest parameters only).
  metadata: {
    appId: Number(account.appId),
    installationId: Number(account.installationId),
    name: account.app.name,
    version: account.app.version,
    settings: account.app.settings,
  },
  paths,
  setters: {
    'comment.text': (value) => {
      reply.value = String(value);
      reply.dispatchEvent(new Event('input', { bubbles: true }));
      return reply.value;
    },
  },
  actions: {
    'ticket.comment.appendText': appendText,
    'comment.appendText': appendText,
    resize,
  },
  proxy: (options) =>
    postJson('/zendesk/agent/proxy', {
      url: options.url,
      type: options.type ?? options.method ?? 'GET',
      contentType: options.contentType,
      data: options.data,
    }),
  onViolation: (text) => fail(`ZAF protocol violation: ${text}`),
});
// For tests: what the app sent and what the desk delivered.
window.zafStandIn = zaf;

// Issue 12: Submit saves the reply as a public comment, after asking the app through the `ticket.save` hook like
// Zendesk does. A cancelled save keeps the draft and shows the app's message; a saved one clears the draft.
const submit = document.getElementById('submit');
const saveNotice = document.getElementById('save-notice');
submit.addEventListener('click', async () => {
  submit.disabled = true;
  saveNotice.textContent = '';
  try {
    const verdict = await zaf.hook('ticket.save');
    if (!verdict.isAllowed) {
      saveNotice.textContent = verdict.message;
      return;
    }
    if (reply.value.trim() !== '') {
      await postJson(`/zendesk/agent/api/tickets/${encodeURIComponent(ticketId)}/comments?agent=${agentIndex()}`, { body: reply.value });
      reply.value = '';
      reply.dispatchEvent(new Event('input', { bubbles: true }));
    }
    saveNotice.textContent = 'Ticket updated.';
  } catch (error) {
    fail(`Could not save the ticket: ${error.message}`);
  } finally {
    submit.disabled = false;
  }
});

// Issue 12: the customer comments (their email reaching the ticket) and the agent solves the ticket; the desk then
// sends its webhook (comment_added, status_changed) to Vouchsafe. The notice says what the receiver answered.
const customerComment = document.getElementById('customer-comment');
const addCustomerComment = document.getElementById('add-customer-comment');
const webhookNotice = document.getElementById('webhook-notice');
const webhookText = (webhook) =>
  webhook === null
    ? 'No webhook sent (webhooks are not connected).'
    : webhook === 0
      ? 'Webhook not delivered: Vouchsafe did not answer.'
      : `Webhook delivered to Vouchsafe (HTTP ${webhook}).`;
addCustomerComment.addEventListener('click', async () => {
  if (customerComment.value.trim() === '') return;
  addCustomerComment.disabled = true;
  webhookNotice.textContent = '';
  try {
    const { webhook } = await postJson(`/zendesk/agent/api/tickets/${encodeURIComponent(ticketId)}/customer-comment`, {
      body: customerComment.value,
    });
    customerComment.value = '';
    webhookNotice.textContent = `Customer comment added. ${webhookText(webhook)}`;
  } catch (error) {
    fail(`Could not add the customer comment: ${error.message}`);
  } finally {
    addCustomerComment.disabled = false;
  }
});
solve.addEventListener('click', async () => {
  solve.disabled = true;
  webhookNotice.textContent = '';
  try {
    const { webhook } = await postJson(`/zendesk/agent/api/tickets/${encodeURIComponent(ticketId)}/status`, { status: 'solved' });
    ticket = await getJson(ticketUrl);
    showTicket();
    webhookNotice.textContent = `Ticket solved. ${webhookText(webhook)}`;
  } catch (error) {
    solve.disabled = false;
    fail(`Could not solve the ticket: ${error.message}`);
  }
});

// An agent changes the requester: the desk saves it, then tells subscribed apps (documented change events).
requesterPicker.addEventListener('change', async () => {
  const before = ticket.requester;
  try {
    await postJson(`/zendesk/agent/api/tickets/${encodeURIComponent(ticketId)}/requester`, { requesterId: requesterPicker.value });
    ticket = await getJson(ticketUrl);
  } catch (error) {
    fail(`Could not change the requester: ${error.message}`);
    return;
  }
  showTicket();
  if (ticket.requester.id !== before.id) zaf.fire('ticket.requester.id.changed', Number(ticket.requester.id));
  if (ticket.requester.email !== before.email) zaf.fire('ticket.requester.email.changed', ticket.requester.email);
  if (ticket.requester.name !== before.name) zaf.fire('ticket.requester.name.changed', ticket.requester.name);
});

schemePicker.addEventListener('change', () => {
  colorScheme = schemePicker.value === 'dark' ? 'dark' : 'light';
  document.documentElement.dataset.colorScheme = colorScheme;
  zaf.fire('colorScheme.changed', colorScheme);
});

// App notifications (issue 16): what other agents' app instances sent with POST /api/v2/apps/notify.json reaches this
// agent's instance as `api_notification.<event>`, like Zendesk delivers it. Only those sent after this page opened.
const notificationsUrl = `/zendesk/agent/api/app-notifications?agent=${agentIndex()}`;
let notificationsAfter = (await getJson(`${notificationsUrl}&after=0`).catch(() => [])).at(-1)?.seq ?? 0;
setInterval(async () => {
  const fresh = await getJson(`${notificationsUrl}&after=${notificationsAfter}`).catch(() => []);
  for (const n of fresh) {
    notificationsAfter = Math.max(notificationsAfter, n.seq);
    zaf.fire(`api_notification.${n.event}`, n.body);
  }
}, 1_000);

// Load the app the way Zendesk loads a signedUrls app: POST {token} into the iframe, origin + app_guid in the query.
try {
  const { token } = await postJson('/zendesk/agent/token', { ticketId: ticket.id, variant: tokenVariant(), agent: agentIndex() });
  const query = new URLSearchParams({ origin: location.origin, app_guid: appGuid });
  const form = el('form', { method: 'POST', target: 'zaf-sidebar', action: `${config.apiUrl}/apps/zendesk/?${query}`, hidden: '' });
  form.append(el('input', { type: 'hidden', name: 'token', value: token }));
  document.body.append(form);
  form.submit();
  form.remove();
} catch (error) {
  fail(`Could not load the sidebar: ${error.message}`);
}
