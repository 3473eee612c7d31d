import { expect, type APIRequestContext, type FrameLocator, type Page } from '@playwright/test';
import { DESK_PAGE } from './sidebar-text';

export type Desk = 'zendesk' | 'servicenow' | 'jira';

/** The host stand-ins started by globalSetup (@vouchsafe/demo-desk): agent pages, desk REST APIs, `/__control`. */
export function deskUrl(): string {
  const url = process.env.VOUCHSAFE_E2E_DESK_URL;
  if (!url) throw new Error('VOUCHSAFE_E2E_DESK_URL is set by the e2e globalSetup');
  return url;
}

export function apiUrl(): string {
  const url = process.env.VOUCHSAFE_E2E_URL;
  if (!url) throw new Error('VOUCHSAFE_E2E_URL is set by the e2e globalSetup');
  return url;
}

export interface StandInTicket {
  desk: Desk;
  /** The desk's id: Zendesk '104', ServiceNow sys_id, Jira 'HELP-4'. */
  id: string;
  /** The API's id for it (ServiceNow: 'incident:<sys_id>'). */
  ticketId: string;
  displayId: string;
  table: string;
  subject: string;
  /** The agent page that shows the ticket with the sidebar. */
  page: string;
  requester: { id: string; name: string; email: string | null; phone: string | null };
  agent: { id: string; name: string; email: string | null };
}

export interface StandInComment {
  id: string;
  body: string;
  public: boolean;
  createdAt: string;
  author: string;
}

async function ok<T>(
  res: { ok(): boolean; status(): number; text(): Promise<string>; json(): Promise<unknown> },
  what: string,
): Promise<T> {
  if (!res.ok()) throw new Error(`${what} answered ${res.status()}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** A fresh ticket (with a fresh requester), so every test sees only its own notes. */
export async function newTicket(
  request: APIRequestContext,
  desk: Desk,
  subject = 'Please send me the new password',
): Promise<StandInTicket> {
  const n = Math.floor(Math.random() * 1e9);
  const res = await request.post(`${deskUrl()}/__control/tickets`, {
    data: {
      desk,
      subject,
      requester: {
        name: `Dana Customer ${n}`,
        email: `dana.customer${n}@customer.test`,
        phone: `+1 555 01${String(n % 100000).padStart(5, '0')}`,
      },
    },
  });
  return ok<StandInTicket>(res, 'POST /__control/tickets');
}

export async function commentsOf(request: APIRequestContext, desk: Desk, id: string): Promise<StandInComment[]> {
  const res = await request.get(`${deskUrl()}/__control/tickets/${desk}/${encodeURIComponent(id)}/comments`);
  return (await ok<{ comments: StandInComment[] }>(res, 'GET comments')).comments;
}

export async function notesOf(request: APIRequestContext, desk: Desk, id: string): Promise<StandInComment[]> {
  return (await commentsOf(request, desk, id)).filter((c) => !c.public);
}

/** Waits until the ticket's internal notes satisfy `done`, polling the stand-in; returns them. */
export async function waitForNotes(
  request: APIRequestContext,
  desk: Desk,
  id: string,
  done: (notes: StandInComment[]) => boolean,
  timeoutMs = 20_000,
): Promise<StandInComment[]> {
  let notes: StandInComment[] = [];
  await expect
    .poll(
      async () => {
        notes = await notesOf(request, desk, id);
        return done(notes);
      },
      { timeout: timeoutMs, intervals: [250, 500, 1000] },
    )
    .toBe(true);
  return notes;
}

export async function outage(request: APIRequestContext, desk: Desk, ms: number): Promise<void> {
  const res = await request.post(`${deskUrl()}/__control/outage`, { data: { desk, ms } });
  expect(res.status()).toBe(204);
}

export interface DeskRequestLog {
  desk: Desk;
  method: string;
  path: string;
  status: number;
}

export async function requestsTo(request: APIRequestContext, desk: Desk): Promise<DeskRequestLog[]> {
  const res = await request.get(`${deskUrl()}/__control/requests?desk=${desk}`);
  return (await ok<{ requests: DeskRequestLog[] }>(res, 'GET /__control/requests')).requests;
}

/** A host token from the stand-in (valid, or signed by a stranger's key, or minted an hour ago). */
export async function mintHostToken(
  request: APIRequestContext,
  desk: Desk,
  ticket: string,
  variant: 'valid' | 'forged' | 'expired' = 'valid',
): Promise<string> {
  const res = await request.post(`${deskUrl()}/__control/mint`, { data: { desk, ticket, variant } });
  return (await ok<{ token: string }>(res, 'POST /__control/mint')).token;
}

/** Exchanges a host token for a sidebar session the way each desk's sidebar does; returns the raw response. */
export async function startSession(request: APIRequestContext, ticket: StandInTicket, token: string) {
  if (ticket.desk === 'zendesk') {
    return request.post(`${apiUrl()}/api/v1/sessions/zendesk`, { data: { token, ticketId: ticket.id } });
  }
  if (ticket.desk === 'servicenow') {
    return request.post(`${apiUrl()}/api/v1/sessions/servicenow`, { data: { token, table: ticket.table, sysId: ticket.id } });
  }
  return request.post(`${apiUrl()}/api/v1/sessions/jira`, { data: { issueKey: ticket.id }, headers: { authorization: `Bearer ${token}` } });
}

/** A valid sidebar session (the JWS the API issues) for the ticket. */
export async function sessionFor(request: APIRequestContext, ticket: StandInTicket): Promise<string> {
  const res = await startSession(request, ticket, await mintHostToken(request, ticket.desk, ticket.id));
  return (await ok<{ session: string }>(res, `POST /api/v1/sessions/${ticket.desk}`)).session;
}

/** The sidebar iframe on an agent page. */
export const sidebarOf = (page: Page): FrameLocator => page.frameLocator('#sidebar');

/** The reply box the sidebar writes into (Zendesk reply draft, ServiceNow compose); Jira has none it can reach. */
export function replyBox(page: Page, desk: Desk) {
  const label = desk === 'zendesk' ? DESK_PAGE.zendeskReply : desk === 'servicenow' ? DESK_PAGE.serviceNowCompose : DESK_PAGE.jiraReply;
  return page.getByLabel(label, { exact: true });
}

/** Internal notes as the agent page shows them. */
export const notesOnPage = (page: Page) => page.getByRole('article', { name: DESK_PAGE.internalNote });
