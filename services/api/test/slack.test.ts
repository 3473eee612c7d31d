import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { CHAT_PATHS } from '@vouchsafe/contracts';
import {
  blockAction,
  messageShortcut,
  sendSigned,
  slashCommand,
  startSlackStandIn,
  viewSubmission,
  type StartedSlackStandIn,
} from '@vouchsafe/test-support/chat';
import { OKTA_TEST_API_TOKEN, startOktaStandIn, type StartedOktaStandIn } from '@vouchsafe/test-support/idps';
import { startJobs, type Jobs } from '../src/jobs';
import { createLogger } from '../src/logger';
import { VERIFY_SHORTCUT_ID } from '../src/modules/chat/slack/slack.setup';
import { api, startTestApp, type TestApp } from './harness';
import { auth, eventually } from './sidebar-support';

/**
 * Issue 13 (Slack half), end to end through the real Bolt app on its custom receiver: the Slack stand-in signs what
 * Slack sends and answers the Web API; the Okta stand-in answers the real Okta SDK. One app, one database.
 */

const AUDIT_CHANNEL = 'G0AUDIT';
const HELP_CHANNEL = 'C0HELP';
const PRIYA = 'priya.natarajan@customer.test';

let slack: StartedSlackStandIn;
let okta: StartedOktaStandIn;
let t: TestApp;
let jobs: Jobs;
let eventsUrl: string;

const verificationRows = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM verifications`.execute(t.db)).rows[0]!.n;
const postedIn = (channel: string) => slack.posted.filter((p) => p.channel === channel);

beforeAll(async () => {
  [slack, okta] = await Promise.all([startSlackStandIn(), startOktaStandIn()]);
  t = await startTestApp({
    isLive: true,
    verificationPolling: { intervalMs: 50, maxWaitMs: 500 },
    config: {
      noteBackoffMs: 100,
      slackClientId: slack.clientId,
      slackClientSecret: slack.clientSecret,
      slackSigningSecret: slack.signingSecret,
      slackApiUrl: `${slack.url}/api/`,
      slackAuthorizeUrl: 'https://slack.invalid/oauth/v2/authorize',
    },
  });
  jobs = startJobs(t.db, createLogger('warn', new Writable({ write: (_c, _e, cb) => cb() })), {
    purgeIntervalMs: 5_000,
    sealIntervalMs: 1_000,
    outboxIntervalMs: 25,
    ...t.graph.workers,
    verificationIntervalMs: 50,
  });
  eventsUrl = `${t.url}${CHAT_PATHS.slackEvents}`;
}, 60_000);

afterAll(async () => {
  await jobs?.stop();
  await t?.close();
  await Promise.all([slack?.close(), okta?.close()]);
});

describe('Slack app', () => {
  it('installs per workspace with OAuth v2: state bound to the admin request, used once, token sealed', async () => {
    const started = await api(
      t.url,
      'POST',
      CHAT_PATHS.slackInstalls,
      { slug: 'acme-slack', name: 'Acme IT', auditChannel: AUDIT_CHANNEL },
      auth,
    );
    expect(started.status).toBe(201);
    const installUrl = new URL(started.json.installUrl);
    expect(installUrl.searchParams.get('scope')).toBe('commands,chat:write,users:read,users:read.email,im:write');
    const state = installUrl.searchParams.get('state')!;
    // Without the admin's token nothing starts.
    expect((await api(t.url, 'POST', CHAT_PATHS.slackInstalls, { slug: 'x-slack', name: 'X' })).status).toBe(401);

    const code = slack.authorize('T0ACME');
    const back = await fetch(`${t.url}${CHAT_PATHS.slackOAuthCallback}?code=${code}&state=${state}`);
    expect(back.status).toBe(200);
    // The same state again (a replayed redirect) installs nothing.
    const replay = await fetch(`${t.url}${CHAT_PATHS.slackOAuthCallback}?code=${slack.authorize('T0OTHER')}&state=${state}`);
    expect(replay.status).toBe(400);

    const { rows } = await sql<{ workspace_id: string; token_ciphertext: Buffer }>`
      SELECT workspace_id, token_ciphertext FROM chat_workspaces`.execute(t.db);
    expect(rows.map((r) => r.workspace_id)).toEqual(['T0ACME']);
    expect(rows[0]!.token_ciphertext.toString('latin1')).not.toContain(slack.workspaces[0]!.botToken);

    // The workspace tenant takes IdPs and a policy like a desk tenant.
    const idp = await api(
      t.url,
      'PUT',
      '/api/v1/admin/tenants/acme-slack/idp/okta',
      { kind: 'okta', orgUrl: okta.url, auth: { apiToken: OKTA_TEST_API_TOKEN } },
      auth,
    );
    expect(idp.status).toBe(204);
    const policy = await api(
      t.url,
      'PUT',
      '/api/v1/admin/tenants/acme-slack/policy',
      { methods: ['okta_push'], recentFactorHours: 0, supervisors: ['U0AGENT1', 'U0AGENT2'] },
      auth,
    );
    expect(policy.status).toBe(200);
  });

  it('/verify @person: Okta push approved → the thread message is updated live → a masked audit line is posted', async () => {
    okta.state.setOutcome(PRIYA, { outcome: 'approve', afterPolls: 1 });
    // Slack rate-limits the first update: the WebClient waits out Retry-After and the message still changes.
    slack.rateLimit('chat.update', 1, 1);
    const res = await sendSigned(
      eventsUrl,
      slack.signingSecret,
      slashCommand({ teamId: 'T0ACME', userId: 'U0AGENT1', channelId: HELP_CHANNEL, command: '/verify', text: '<@U0PRIYA|priya>' }),
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('Starting the verification');

    const verified = await eventually(() => {
      const update = postedIn(HELP_CHANNEL).find((p) => p.method === 'chat.update' && p.text.includes('was verified by Okta Verify push'));
      if (!update) throw new Error('not yet verified');
      return update;
    }, 10_000);
    const first = postedIn(HELP_CHANNEL).find((p) => p.method === 'chat.postMessage')!;
    expect(verified.ts).toBe(first.ts);
    expect(postedIn(HELP_CHANNEL).some((p) => p.text.includes('<@U0PRIYA>') && /choose \*\d+\*/.test(p.text))).toBe(true);

    // The agent is the member who ran the command (from the signed request), the person is the one named.
    const { rows } = await sql<{ agent_id: string; state: string; ticket_id: string }>`
      SELECT agent_id, state, ticket_id FROM verifications`.execute(t.db);
    expect(rows).toEqual([{ agent_id: 'U0AGENT1', state: 'verified', ticket_id: `${HELP_CHANNEL}:-:U0PRIYA` }]);
    expect(slack.calls.filter((c) => c.method === 'chat.update').length).toBeGreaterThan(
      postedIn(HELP_CHANNEL).filter((p) => p.method === 'chat.update').length,
    );

    const audit = await eventually(() => {
      const lines = postedIn(AUDIT_CHANNEL).map((p) => p.text);
      if (!lines.some((l) => l.includes('Caller verification PASSED'))) throw new Error('no audit line yet');
      return lines;
    }, 10_000);
    const everything = JSON.stringify(slack.posted);
    expect(everything).not.toContain(PRIYA);
    expect(audit.join('\n')).toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/); // the receipt
  });

  it('a denial says possible fraud; the agent asks for an override, self-approval is refused, a supervisor approves', async () => {
    okta.state.setOutcome(PRIYA, 'deny');
    const thread = { ts: '1700000050.000100', user: 'U0PRIYA', text: 'hi, I lost my phone, please reset my MFA' };
    const sent = await sendSigned(
      eventsUrl,
      slack.signingSecret,
      messageShortcut({ teamId: 'T0ACME', userId: 'U0AGENT1', channelId: HELP_CHANNEL, callbackId: VERIFY_SHORTCUT_ID, message: thread }),
    );
    expect(sent.status).toBe(200);
    const denied = await eventually(() => {
      const u = slack.posted.find((p) => p.method === 'chat.update' && p.threadTs === thread.ts && p.text.includes('possible fraud'));
      if (!u) throw new Error('not denied yet');
      return u;
    }, 10_000);
    const askButton = JSON.stringify(denied.blocks);
    expect(askButton).toContain('vouchsafe_override_request');
    const value = /"value":"([^"]+)"/.exec(askButton)![1]!;

    const click = (userId: string, actionId: string, messageTs: string) =>
      sendSigned(
        eventsUrl,
        slack.signingSecret,
        blockAction({ teamId: 'T0ACME', userId, channelId: HELP_CHANNEL, messageTs, actionId, value }),
      );
    expect((await click('U0AGENT1', 'vouchsafe_override_request', denied.ts)).status).toBe(200);
    const modal = await eventually(() => {
      if (slack.views.length === 0) throw new Error('no modal yet');
      return slack.views.at(-1)!.view;
    });
    const submitted = await sendSigned(
      eventsUrl,
      slack.signingSecret,
      viewSubmission({
        teamId: 'T0ACME',
        userId: 'U0AGENT1',
        view: modal,
        values: { reason: { reason: 'Known caller, phone lost, manager on the line' } },
      }),
    );
    expect(submitted.status).toBe(200);
    const request = await eventually(() => {
      const r = slack.posted.find((p) => p.method === 'chat.postMessage' && p.text.includes('asks a supervisor'));
      if (!r) throw new Error('no request yet');
      return r;
    });
    expect(JSON.stringify(request.blocks)).toContain('vouchsafe_override_approve');

    // The requesting agent (a supervisor too) clicks Approve on their own request: refused, nothing changes.
    await click('U0AGENT1', 'vouchsafe_override_approve', request.ts);
    await eventually(() => {
      if (
        !slack.posted.some(
          (p) => p.method === 'chat.postEphemeral' && p.user === 'U0AGENT1' && /cannot approve your own request/.test(p.text),
        )
      )
        throw new Error('not refused yet');
    });
    await click('U0AGENT2', 'vouchsafe_override_approve', request.ts);
    await eventually(async () => {
      const { rows } = await sql<{
        state: string;
      }>`SELECT state FROM verifications WHERE agent_id = 'U0AGENT1' ORDER BY started_at DESC LIMIT 1`.execute(t.db);
      expect(rows[0]!.state).toBe('overridden');
      expect(slack.posted.some((p) => p.method === 'chat.update' && p.ts === denied.ts && p.text.includes('SUPERVISOR OVERRIDE'))).toBe(
        true,
      );
    });
  });

  it('the thread message follows its verification even when the process that started it is gone', async () => {
    okta.state.setOutcome(PRIYA, 'manual');
    const peer = await t.another();
    const command = slashCommand({
      teamId: 'T0ACME',
      userId: 'U0AGENT1',
      channelId: 'C0SECOND',
      command: '/verify',
      text: '<@U0PRIYA|priya>',
    });
    expect((await sendSigned(`${peer.url}${CHAT_PATHS.slackEvents}`, slack.signingSecret, command)).status).toBe(200);
    await eventually(() => {
      if (!postedIn('C0SECOND').some((p) => /choose \*\d+\*/.test(p.text))) throw new Error('not waiting yet');
    }, 10_000);
    await peer.close();
    const tx = okta.state.lastTransaction(PRIYA)!;
    okta.approve(tx.id, tx.correctAnswer ?? undefined);
    await eventually(() => {
      if (!postedIn('C0SECOND').some((p) => p.method === 'chat.update' && p.text.includes('was verified')))
        throw new Error('not updated yet');
    }, 10_000);
  });

  it('refuses to verify a Slack Connect guest (their email is not this workspace’s) and an agent verifying themselves', async () => {
    const before = await verificationRows();
    const res = await sendSigned(
      eventsUrl,
      slack.signingSecret,
      messageShortcut({
        teamId: 'T0ACME',
        userId: 'U0AGENT1',
        channelId: HELP_CHANNEL,
        callbackId: VERIFY_SHORTCUT_ID,
        message: { ts: '1700000100.000200', user: 'U0GUEST', text: 'please reset my MFA' },
      }),
    );
    expect(res.status).toBe(200);
    await eventually(() => {
      if (!slack.posted.some((p) => p.method === 'chat.postEphemeral' && p.user === 'U0AGENT1' && /no requester/i.test(p.text)))
        throw new Error('agent not told yet');
    });
    expect(await verificationRows()).toBe(before);

    // Nor can an agent "verify" themselves.
    await sendSigned(
      eventsUrl,
      slack.signingSecret,
      slashCommand({ teamId: 'T0ACME', userId: 'U0AGENT1', channelId: HELP_CHANNEL, command: '/verify', text: '<@U0AGENT1|sam>' }),
    );
    await eventually(() => {
      if (!slack.posted.some((p) => p.method === 'chat.postEphemeral' && /cannot verify yourself/.test(p.text)))
        throw new Error('not refused yet');
    });
    expect(await verificationRows()).toBe(before);
  });

  it('refuses a bad signature, a stale timestamp and a foreign workspace; nothing happens', async () => {
    const before = { rows: await verificationRows(), posted: slack.posted.length, calls: slack.calls.length };
    const command = slashCommand({
      teamId: 'T0ACME',
      userId: 'U0AGENT1',
      channelId: HELP_CHANNEL,
      command: '/verify',
      text: '<@U0PRIYA|priya>',
    });
    expect((await sendSigned(eventsUrl, slack.signingSecret, command, { secret: 'not-the-signing-secret' })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await sendSigned(eventsUrl, slack.signingSecret, command, { timestamp: stale })).status).toBe(401);
    const future = Math.floor(Date.now() / 1000) + 6 * 60;
    expect((await sendSigned(eventsUrl, slack.signingSecret, command, { timestamp: future })).status).toBe(401);
    const foreign = slashCommand({ teamId: 'T0OTHER', userId: 'U0OTHER', channelId: 'C0ELSE', command: '/verify', text: '<@U0OTHER|o>' });
    expect((await sendSigned(eventsUrl, slack.signingSecret, foreign)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 100));
    expect({ rows: await verificationRows(), posted: slack.posted.length, calls: slack.calls.length }).toEqual(before);
  });

  it('removing the workspace tenant drops its bot token; its signed requests then answer 404', async () => {
    expect((await api(t.url, 'DELETE', '/api/v1/admin/tenants/acme-slack', undefined, auth)).status).toBe(204);
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM chat_workspaces`.execute(t.db)).rows[0]!.n).toBe(0);
    const command = slashCommand({
      teamId: 'T0ACME',
      userId: 'U0AGENT1',
      channelId: HELP_CHANNEL,
      command: '/verify',
      text: '<@U0PRIYA|priya>',
    });
    expect((await sendSigned(eventsUrl, slack.signingSecret, command)).status).toBe(404);
  });
});
