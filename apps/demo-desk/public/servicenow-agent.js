// A Service Operations Workspace record page with Vouchsafe in the contextual sidebar: the iframe URL
// carries table, sys_id and the instance-minted JWT (in the fragment). Like a real install, the sidebar
// offers the link to copy by default; only with `reply=postmessage` (config.serviceNowReply, an admin's
// opt-in) does it ask this page to put the link into the compose box with a postMessage
// {type: 'vouchsafe:insert-reply', text}.
import { appendTo, getJson, lastSegment, pollComments, postJson, renderFacts, tokenVariant } from '/common.js';

const sysId = lastSegment();
const frame = document.getElementById('sidebar');
const compose = document.getElementById('compose');
const errorBox = document.getElementById('error');

const config = await getJson('/agent/config.json');
const apiOrigin = new URL(config.apiUrl).origin;
const record = await getJson(`/servicenow/agent/api/incident/${encodeURIComponent(sysId)}`).catch(() => undefined);
if (!record) {
  document.getElementById('subject').textContent = `Incident ${sysId} not found`;
  throw new Error(`no incident ${sysId}`);
}

document.title = `${record.number} — ServiceNow (local stand-in)`;
document.getElementById('subject').textContent = `${record.number} ${record.shortDescription}`;
renderFacts(document.getElementById('facts'), [
  ['Caller', `${record.caller.name} <${record.caller.email}>`],
  ['Assigned to', record.agent.name],
]);
pollComments(
  `/servicenow/agent/api/incident/${encodeURIComponent(sysId)}/comments`,
  document.getElementById('comments'),
  'No work notes or comments yet.',
);

window.addEventListener('message', (event) => {
  if (event.source !== frame.contentWindow || event.origin !== apiOrigin) return;
  const msg = event.data;
  if (!msg || typeof msg !== 'object' || msg.type !== 'vouchsafe:insert-reply' || typeof msg.text !== 'string') return;
  appendTo(compose, msg.text);
});

try {
  const { token } = await postJson('/servicenow/agent/token', { sysId: record.sysId, variant: tokenVariant() });
  const query = new URLSearchParams({ table: 'incident', sys_id: record.sysId, origin: location.origin });
  if (config.serviceNowReply === 'postmessage') query.set('reply', 'postmessage');
  frame.src = `${config.apiUrl}/apps/servicenow/?${query}#token=${encodeURIComponent(token)}`;
} catch (error) {
  errorBox.textContent = `Could not load the sidebar: ${error.message}`;
  errorBox.hidden = false;
}
