import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config';
import { chatTicketId, escapeSlackText, parseChatTicketId, personOf } from './slack.connector';
import { parseButtonValue, renderVerification } from './slack-messages';
import { mentionedUser } from './slack.setup';
import { parseSlackBody, teamOf } from './slack.receiver';

describe('Slack: who may be verified (S11)', () => {
  const member = { id: 'U1', team_id: 'T1', real_name: 'Priya', profile: { email: 'p@x.test' }, is_email_confirmed: true };
  it('uses the profile email of a member of this team only', () => {
    expect(personOf(member, 'T1')).toEqual({ id: 'U1', name: 'Priya', email: 'p@x.test', phone: null });
    expect(personOf({ ...member, team_id: 'T2' }, 'T1')).toBeUndefined();
    expect(personOf({ ...member, deleted: true }, 'T1')).toBeUndefined();
    expect(personOf({ ...member, is_bot: true }, 'T1')).toBeUndefined();
    expect(personOf({ ...member, is_email_confirmed: false }, 'T1')?.email).toBeNull();
  });
});

describe('Slack: wire helpers', () => {
  it('round-trips the chat ticket id and refuses anything else', () => {
    const t = { channel: 'C0HELP', threadTs: '1700000000.000100', userId: 'U0PRIYA' };
    expect(parseChatTicketId(chatTicketId(t))).toEqual(t);
    expect(parseChatTicketId(chatTicketId({ ...t, threadTs: null }))).toEqual({ ...t, threadTs: null });
    for (const bad of ['C0HELP:x:U1', 'c0help:-:U1', 'C0HELP:-:U1:extra', 'C0HELP:-:', '']) expect(parseChatTicketId(bad)).toBeUndefined();
  });

  it('reads the person from an escaped mention only', () => {
    expect(mentionedUser('<@U0PRIYA|priya>')).toBe('U0PRIYA');
    expect(mentionedUser(' <@W0ABC> ')).toBe('W0ABC');
    expect(mentionedUser('@priya')).toBeUndefined();
    expect(mentionedUser('<@U0PRIYA> <@U0OTHER>')).toBeUndefined();
  });

  it('parses commands, interactivity payloads and events; finds the signed team', () => {
    expect(teamOf(parseSlackBody('team_id=T1&text=hi', 'application/x-www-form-urlencoded'))).toBe('T1');
    const payload = encodeURIComponent(JSON.stringify({ type: 'block_actions', team: { id: 'T2' } }));
    expect(teamOf(parseSlackBody(`payload=${payload}`, 'application/x-www-form-urlencoded'))).toBe('T2');
    expect(teamOf(parseSlackBody('{"type":"event_callback","team_id":"T3"}', 'application/json'))).toBe('T3');
    expect(teamOf({ team_id: 'not a team' })).toBeUndefined();
  });

  it('escapes message text as Slack documents and button values carry only an id and a ticket', () => {
    expect(escapeSlackText('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    const id = '0b0f4f8e-9d1c-4f2e-8a51-1f2e3d4c5b6a';
    expect(parseButtonValue(`${id}|C0HELP:-:U1`)).toEqual({ verificationId: id, ticketId: 'C0HELP:-:U1' });
    expect(parseButtonValue(`${id}|a|b`)).toBeUndefined();
    expect(parseButtonValue('x|C0HELP:-:U1')).toBeUndefined();
  });

  it('says "possible fraud" for a denial and offers an override only when not passed', () => {
    const base = {
      id: '0b0f4f8e-9d1c-4f2e-8a51-1f2e3d4c5b6a',
      method: 'okta_push' as const,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      agentLabel: 'Sam',
      requesterLabel: 'Priya',
      binding: null,
      reason: null,
      isFraudSuspected: false,
      idpRef: null,
      override: null,
      expiresAt: null,
      validUntil: null,
      receipt: null,
    };
    const denied = renderVerification({ ...base, state: 'denied' }, 'U1', 'C0HELP:-:U1');
    expect(denied.text).toContain('possible fraud');
    expect(JSON.stringify(denied.blocks)).toContain('vouchsafe_override_request');
    const verified = renderVerification({ ...base, state: 'verified', validUntil: new Date().toISOString() }, 'U1', 'C0HELP:-:U1');
    expect(JSON.stringify(verified.blocks)).not.toContain('vouchsafe_override_request');
    expect(verified.text).toMatch(/valid until <!date\^\d+\^\{time\}\|later>/);
  });
});

describe('Slack settings', () => {
  it('are off by default and go together', () => {
    expect(loadConfig({}).slackSigningSecret).toBeUndefined();
    expect(() => loadConfig({ VOUCHSAFE_SLACK_SIGNING_SECRET: 's' })).toThrow(/go together/);
    const c = loadConfig({ VOUCHSAFE_SLACK_SIGNING_SECRET: 's', VOUCHSAFE_SLACK_CLIENT_ID: 'i', VOUCHSAFE_SLACK_CLIENT_SECRET: 'c' });
    expect(c.slackApiUrl).toBe('https://slack.com/api/');
  });
});
