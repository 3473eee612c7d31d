// A Jira Service Management issue view with the Vouchsafe Forge Custom UI in the issue context panel.
// The Custom UI runs in a same-origin iframe with a stand-in for the Forge bridge (bridge-standin.js).
import { getJson, lastSegment, pollComments, renderFacts } from '/common.js';

const key = lastSegment();
const issue = await getJson(`/jira/agent/api/issues/${encodeURIComponent(key)}`).catch(() => undefined);
if (!issue) {
  document.getElementById('subject').textContent = `Issue ${key} not found`;
  throw new Error(`no issue ${key}`);
}
document.title = `${issue.key} — Jira Service Management (local stand-in)`;
document.getElementById('subject').textContent = `${issue.key} ${issue.summary}`;
renderFacts(document.getElementById('facts'), [
  ['Reporter', `${issue.reporter.name} <${issue.reporter.email}>`],
  ['Assignee', issue.agent.name],
]);
pollComments(`/jira/agent/api/issues/${encodeURIComponent(key)}/comments`, document.getElementById('comments'), 'No comments yet.');

const query = new URLSearchParams({ issueKey: issue.key });
const variant = new URLSearchParams(location.search).get('token');
if (variant) query.set('token', variant);
document.getElementById('sidebar').src = `/jira/app/?${query}`;
