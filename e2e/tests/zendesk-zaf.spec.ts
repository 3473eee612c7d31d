import type { Frame, Page } from '@playwright/test';
import { DESK_ACCOUNTS } from '@vouchsafe/test-support/desks';
import { expect, test } from './support/browser-checks';
import { apiUrl, newTicket, sidebarOf, type StandInTicket } from './support/desks';
import { openTicket, waitForSendForm } from './support/sidebar-flow';
import { DESK_PAGE, SIDEBAR } from './support/sidebar-text';

// The Zendesk stand-in's side of ZAF, checked with the very messages Zendesk's official SDK sends (lib/client.js):
// posted from inside the real sidebar frame, so the stand-in's origin/source checks apply as they do to the app.
// Runs with the npm community build and, where it was built, the official SDK (project zendesk-official-sdk).

/** What the stand-in page exposes as `window.zafStandIn.state` (apps/demo-desk/public/zaf-parent.js). */
interface StandInState {
  handshakes: string[];
  registered: { context: Record<string, unknown>; metadata: Record<string, unknown> };
  subscribers: Record<string, number>;
  tracked: Array<{ type: string; value?: number }>;
  sessionLive: number;
  fired: Array<{ name: string; data: unknown }>;
  requests: Array<{ n: number; url: string; outcome: string }>;
  violations: string[];
}

async function standIn(page: Page): Promise<StandInState> {
  return page.evaluate(() => {
    const { state } = (window as unknown as { zafStandIn: { state: Record<string, unknown> } }).zafStandIn;
    return JSON.parse(JSON.stringify({ ...state, subscribers: Object.fromEntries(state.subscribers as Map<string, number>) }));
  });
}

async function sidebarFrame(page: Page): Promise<Frame> {
  await waitForSendForm(page);
  const frame = page.frame({ name: 'zaf-sidebar' });
  if (!frame) throw new Error('no sidebar frame');
  return frame;
}

type Reply = Record<string, any>;

/**
 * Posts one message to the desk from inside the sidebar frame, framed as the SDK frames it (JSON string, appGuid and
 * instanceGuid from the iframe URL, targetOrigin = the `origin` query parameter), and resolves with the first reply
 * that `until` accepts (by id, or by key), or null after `timeoutMs`.
 */
async function post(frame: Frame, message: Reply, until: { id?: number; key?: string }, timeoutMs = 5_000): Promise<Reply | null> {
  return frame.evaluate(
    ({ message, until, timeoutMs }) =>
      new Promise<Reply | null>((resolve) => {
        const query = new URLSearchParams(location.search);
        const origin = query.get('origin')!;
        const appGuid = query.get('app_guid')!;
        const onMessage = (event: MessageEvent) => {
          if (event.source !== window.parent || event.origin !== origin) return;
          const data = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
          if ((until.id !== undefined && data.id === until.id) || (until.key !== undefined && data.key === until.key)) {
            window.removeEventListener('message', onMessage);
            resolve(data);
          }
        };
        window.addEventListener('message', onMessage);
        setTimeout(() => {
          window.removeEventListener('message', onMessage);
          resolve(null);
        }, timeoutMs);
        window.parent.postMessage(JSON.stringify({ ...message, appGuid, instanceGuid: appGuid }), origin);
      }),
    { message, until, timeoutMs },
  );
}

/** A fire-and-forget message (iframe.on:, iframe.off:, session.live). */
async function tell(frame: Frame, key: string, message?: unknown): Promise<void> {
  await post(frame, { key, message }, {}, 0);
}

let nextId = 900_000;
const call = (frame: Frame, request: 'get' | 'set' | 'invoke', params: unknown) => {
  const id = (nextId += 1);
  return post(frame, { id, request, params }, { id });
};

async function ready(page: Page, ticket: StandInTicket): Promise<Frame> {
  await openTicket(page, ticket);
  return sidebarFrame(page);
}

test('the desk registers the app with Zendesk-shaped context and metadata (settings from the manifest, no secure ones)', async ({
  page,
  request,
}) => {
  const ticket = await newTicket(request, 'zendesk');
  const frame = await ready(page, ticket);
  const appGuid = new URL(frame.url()).searchParams.get('app_guid');
  const state = await standIn(page);
  expect(state.handshakes).toHaveLength(1);
  expect(state.registered.context).toEqual({
    instanceGuid: appGuid,
    product: 'support',
    account: { subdomain: DESK_ACCOUNTS.zendesk.subdomain },
    location: 'ticket_sidebar',
    ticketId: Number(ticket.id),
  });
  expect(state.registered.metadata).toEqual({
    appId: Number(DESK_ACCOUNTS.zendesk.appId),
    installationId: Number(DESK_ACCOUNTS.zendesk.installationId),
    name: 'Vouchsafe',
    version: expect.any(String),
    settings: { title: 'Vouchsafe', vouchsafe_url: apiUrl() },
  });
  // Both SDKs subscribe to context.updated when they start; the sidebar to nothing undocumented (else: a violation).
  expect(state.subscribers['context.updated']).toBe(1);
  // The app asked to be resized, in Zendesk's invoke shape.
  await expect.poll(() => page.locator('#sidebar').evaluate((f) => (f as HTMLIFrameElement).style.height)).toMatch(/^\d+px$/);
});

test('get, set and invoke are answered in Zendesk shapes; unknown paths and actions are errors (and violations)', async ({
  page,
  request,
  browserChecks,
}) => {
  const ticket = await newTicket(request, 'zendesk');
  const frame = await ready(page, ticket);

  const got = await call(frame, 'get', ['ticket.id', 'ticket.requester.id', 'currentUser.id', 'currentAccount.subdomain']);
  expect(got).toEqual({
    id: expect.any(Number),
    result: {
      'ticket.id': Number(ticket.id),
      'ticket.requester.id': Number(ticket.requester.id),
      'currentUser.id': Number(ticket.agent.id),
      'currentAccount.subdomain': DESK_ACCOUNTS.zendesk.subdomain,
      errors: {},
    },
  });

  expect(await call(frame, 'set', { 'comment.text': 'Hello from ZAF' })).toMatchObject({
    result: { 'comment.text': 'Hello from ZAF', errors: {} },
  });
  await expect(page.getByLabel(DESK_PAGE.zendeskReply, { exact: true })).toHaveValue('Hello from ZAF');
  expect(await call(frame, 'invoke', { 'ticket.comment.appendText': ['second line'] })).toEqual({
    id: expect.any(Number),
    result: { errors: {} },
  });
  await expect(page.getByLabel(DESK_PAGE.zendeskReply, { exact: true })).toHaveValue('Hello from ZAF\nsecond line');

  // The official SDK's Tracker: every click is client.invoke('track', {type: 'click'}). Answered, never an error.
  expect(await call(frame, 'invoke', { track: [{ type: 'click' }] })).toEqual({ id: expect.any(Number), result: { errors: {} } });
  expect(await call(frame, 'invoke', { track: [{ type: 'hover', value: 450 }] })).toEqual({
    id: expect.any(Number),
    result: { errors: {} },
  });
  expect((await standIn(page)).tracked).toEqual(expect.arrayContaining([{ type: 'click' }, { type: 'hover', value: 450 }]));

  // What Zendesk does not offer is an error for that path (the SDK throws it), and the stand-in says so out loud.
  browserChecks.expectProblem(/unsupported path "ticket\.requester\.ssn"/);
  browserChecks.expectProblem(/unsupported action "ticket\.delete"/);
  browserChecks.expectProblem(/cannot be set/);
  expect(await call(frame, 'get', ['ticket.requester.ssn'])).toMatchObject({
    result: { errors: { 'ticket.requester.ssn': { name: 'ClientError', path: 'ticket.requester.ssn' } } },
  });
  expect(await call(frame, 'invoke', { 'ticket.delete': [] })).toMatchObject({
    result: { errors: { 'ticket.delete': { path: 'ticket.delete' } } },
  });
  expect(await call(frame, 'set', { 'ticket.requester.id': 1 })).toMatchObject({ result: { errors: { 'ticket.requester.id': {} } } });
  await expect(page.getByRole('alert')).toContainText('ZAF protocol violation');
});

test('client.request is proxied to the account API (request:<n> answered zaf.request:<n>.done|fail); other hosts are refused', async ({
  page,
  request,
  browserChecks,
}) => {
  const ticket = await newTicket(request, 'zendesk');
  const frame = await ready(page, ticket);
  // As the SDK does it: subscribe to both outcomes, then post the request.
  await tell(frame, 'iframe.on:request:9001.done', { subscriberCount: 1 });
  await tell(frame, 'iframe.on:request:9001.fail', { subscriberCount: 1 });
  const done = await post(
    frame,
    { key: 'request:9001', message: { url: `/api/v2/tickets/${ticket.id}.json`, type: 'GET' } },
    { key: 'zaf.request:9001.done' },
  );
  expect(done?.message.responseArgs[0].ticket).toMatchObject({ id: Number(ticket.id), subject: ticket.subject });
  expect(done?.message.responseArgs[1]).toBe('success');
  expect(done?.message.responseArgs[2]).toMatchObject({ status: 200 });

  await tell(frame, 'iframe.on:request:9002.done', { subscriberCount: 1 });
  await tell(frame, 'iframe.on:request:9002.fail', { subscriberCount: 1 });
  const missing = await post(
    frame,
    { key: 'request:9002', message: { url: '/api/v2/tickets/999999999.json' } },
    { key: 'zaf.request:9002.fail' },
  );
  expect(missing?.message.responseArgs[0]).toMatchObject({ status: 404 });

  browserChecks.expectProblem(/request:9003 to https:\/\/elsewhere\.example/);
  await tell(frame, 'iframe.on:request:9003.done', { subscriberCount: 1 });
  await tell(frame, 'iframe.on:request:9003.fail', { subscriberCount: 1 });
  const refused = await post(
    frame,
    { key: 'request:9003', message: { url: 'https://elsewhere.example/steal', type: 'POST' } },
    { key: 'zaf.request:9003.fail' },
  );
  expect(refused?.message.responseArgs[0]).toMatchObject({ status: 403 });
  expect((await standIn(page)).requests).toEqual([
    { n: 9001, url: `/api/v2/tickets/${ticket.id}.json`, outcome: 'done' },
    { n: 9002, url: '/api/v2/tickets/999999999.json', outcome: 'fail' },
    { n: 9003, url: 'https://elsewhere.example/steal', outcome: 'refused' },
  ]);
});

test('documented events reach subscribers when the agent changes the requester; undocumented ones are flagged and never fire', async ({
  page,
  request,
  browserChecks,
}) => {
  const other = await newTicket(request, 'zendesk');
  const ticket = await newTicket(request, 'zendesk');
  const frame = await ready(page, ticket);
  browserChecks.expectProblem(/subscribes to "ticket\.requester\.changed"/);
  await tell(frame, 'iframe.on:ticket.requester.changed', { subscriberCount: 1 });
  await tell(frame, 'iframe.on:ticket.requester.email.changed', { subscriberCount: 1 });

  const event = post(
    frame,
    { key: 'iframe.on:ticket.requester.id.changed', message: { subscriberCount: 1 } },
    { key: 'zaf.ticket.requester.id.changed' },
  );
  await expect.poll(async () => (await standIn(page)).subscribers['ticket.requester.id.changed']).toBe(1);
  await page.getByLabel(DESK_PAGE.zendeskRequester, { exact: true }).selectOption({ label: other.requester.name });
  expect((await event)?.message).toBe(Number(other.requester.id));

  const state = await standIn(page);
  expect(state.fired.map((f) => f.name)).toEqual(['ticket.requester.id.changed', 'ticket.requester.email.changed']);
  expect(state.fired[1]!.data).toBe(other.requester.email);
  // The desk really changed it: ZAF and the page say so.
  expect((await call(frame, 'get', ['ticket.requester.id']))?.result['ticket.requester.id']).toBe(Number(other.requester.id));
  await expect(page.locator('#facts')).toContainText(other.requester.name);
});

test('the sidebar speaks only documented ZAF; with the official SDK its clicks are tracked and it reports session.live', async ({
  page,
  request,
  zafSdk,
}) => {
  const ticket = await newTicket(request, 'zendesk');
  await openTicket(page, ticket);
  const sidebar = sidebarOf(page);
  await waitForSendForm(page);
  await sidebar.getByLabel(SIDEBAR.textLabel).click();
  await sidebar.getByLabel(SIDEBAR.textLabel).fill('typing makes the official SDK report session.live');
  await page.getByLabel(DESK_PAGE.zendeskReply, { exact: true }).click();
  const state = await standIn(page);
  expect(state.violations).toEqual([]);
  if (zafSdk === 'official') {
    // lib/tracker.js and lib/utils/idleState.ts: only the official SDK does these.
    expect(state.tracked).toContainEqual({ type: 'click' });
    await expect.poll(async () => (await standIn(page)).sessionLive, { timeout: 5_000 }).toBeGreaterThan(0);
  } else {
    expect(state.tracked).toEqual([]);
  }
});
