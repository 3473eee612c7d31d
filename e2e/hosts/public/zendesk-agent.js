// The parent side of the Zendesk Apps Framework (ZAF v2) postMessage protocol, as the npm
// zendesk_app_framework_sdk speaks it (lib/client.js): handshake → zaf.app.registered; get/set/invoke
// answered by {id, result} or {id, error}; request:<n> (the Zendesk proxy) answered by zaf.request:<n>.fail.
// The app is loaded like Zendesk loads a signedUrls app: a form POST of {token} into the iframe.
import { agentIndex, appendTo, el, getJson, lastSegment, pollComments, postJson, renderFacts, tokenVariant } from '/common.js';

const ticketId = lastSegment();
const frame = document.getElementById('sidebar');
const reply = document.getElementById('reply');
const errorBox = document.getElementById('error');

function fail(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

const config = await getJson('/agent/config.json');
const apiOrigin = new URL(config.apiUrl).origin;
const ticket = await getJson(`/zendesk/agent/api/tickets/${encodeURIComponent(ticketId)}?agent=${agentIndex()}`).catch(() => undefined);
if (!ticket) {
  document.getElementById('subject').textContent = `Ticket #${ticketId} not found`;
  throw new Error(`no ticket ${ticketId}`);
}

document.title = `#${ticket.id} ${ticket.subject} — Zendesk (local stand-in)`;
document.getElementById('subject').textContent = `#${ticket.id} ${ticket.subject}`;
renderFacts(document.getElementById('facts'), [
  ['Requester', `${ticket.requester.name} <${ticket.requester.email}>`],
  ['Assignee', ticket.agent.name],
]);
pollComments(`/zendesk/agent/api/tickets/${encodeURIComponent(ticketId)}/comments`, document.getElementById('comments'), 'No comments yet.');

const appGuid = crypto.randomUUID();
let instanceGuid = appGuid;

const context = () => ({
  product: 'support',
  location: 'ticket_sidebar',
  ticketId: Number(ticket.id),
  instanceGuid,
  account: { subdomain: config.zendesk.subdomain },
});
const metadata = {
  appId: Number(config.zendesk.appId),
  installationId: Number(config.zendesk.installationId),
  name: 'Vouchsafe',
  version: '1.0.0',
  settings: {},
};

/** Values `client.get(path)` can read. */
const readable = {
  'ticket.id': () => Number(ticket.id),
  'ticket.subject': () => ticket.subject,
  'ticket.requester': () => ({ id: Number(ticket.requester.id), name: ticket.requester.name, email: ticket.requester.email }),
  'ticket.requester.id': () => Number(ticket.requester.id),
  'ticket.requester.email': () => ticket.requester.email,
  'ticket.requester.name': () => ticket.requester.name,
  currentUser: () => ({ id: Number(ticket.agent.id), name: ticket.agent.name, email: ticket.agent.email }),
  'currentUser.id': () => Number(ticket.agent.id),
  'currentUser.name': () => ticket.agent.name,
  'currentUser.email': () => ticket.agent.email,
  'comment.text': () => reply.value,
};

function send(message) {
  // Like the SDK, frames are JSON strings; targetOrigin pins the API's origin.
  frame.contentWindow?.postMessage(JSON.stringify(message), apiOrigin);
}

const notFound = (path) => ({ name: 'ClientError', message: 'is not a supported path', path });

function answerGet(paths) {
  const result = { errors: {} };
  for (const path of paths) {
    if (typeof path === 'string' && Object.hasOwn(readable, path)) result[path] = readable[path]();
    else result.errors[path] = notFound(path);
  }
  return { result };
}

function resize(args) {
  const height = args?.[0]?.height;
  if (height === undefined) return;
  frame.style.height = typeof height === 'number' || /^\d+$/.test(String(height)) ? `${height}px` : String(height);
}

function answerInvoke(calls) {
  const result = { errors: {} };
  for (const [name, args] of Object.entries(calls ?? {})) {
    if (name === 'ticket.comment.appendText' || name === 'comment.appendText') {
      appendTo(reply, String(args?.[0] ?? ''));
      result[name] = null;
    } else if (name === 'resize') {
      resize(args);
      result[name] = null;
    } else {
      result.errors[name] = notFound(name);
    }
  }
  return { result };
}

function answerSet(values) {
  const result = { errors: {} };
  for (const [path, value] of Object.entries(values ?? {})) {
    if (path === 'comment.text') {
      reply.value = String(value);
      result[path] = value;
    } else {
      result.errors[path] = { name: 'ClientError', message: 'cannot be set', path };
    }
  }
  return { result };
}

window.addEventListener('message', (event) => {
  if (event.source !== frame.contentWindow || event.origin !== apiOrigin) return;
  let msg = event.data;
  if (typeof msg === 'string') {
    try {
      msg = JSON.parse(msg);
    } catch {
      return;
    }
  }
  if (!msg || typeof msg !== 'object') return;

  if (msg.key === 'iframe.handshake') {
    if (typeof msg.instanceGuid === 'string') instanceGuid = msg.instanceGuid;
    send({ key: 'zaf.app.registered', message: { context: context(), metadata } });
    frame.dataset.zaf = 'registered';
    return;
  }
  if (typeof msg.key === 'string' && /^request:\d+$/.test(msg.key)) {
    // This app calls its own API directly; the Zendesk request proxy is not offered here.
    send({
      key: `zaf.${msg.key}.fail`,
      message: { responseArgs: [{ status: 501, statusText: 'Not Implemented', responseText: 'The request proxy is not available in this stand-in.' }] },
    });
    return;
  }
  if (msg.id !== undefined && typeof msg.request === 'string') {
    let answer;
    if (msg.request === 'get') answer = answerGet(Array.isArray(msg.params) ? msg.params : []);
    else if (msg.request === 'invoke') answer = answerInvoke(msg.params);
    else if (msg.request === 'set') answer = answerSet(msg.params);
    else answer = { error: { name: 'ClientError', message: `Unsupported request "${String(msg.request)}"` } };
    send({ id: msg.id, ...answer });
    return;
  }
  // iframe.on:/iframe.off:/iframe.trigger:/iframe.reply:/__track__ and anything else: nothing to answer.
});

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
