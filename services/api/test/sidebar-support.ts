import { Writable } from 'node:stream';
import { SESSION_HEADER, type CreateTicketSecretRequest, type Desk } from '@vouchsafe/contracts';
import { sealSecret, toBase64Url, type SecretPayload } from '@vouchsafe/crypto';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { startJobs, type Jobs } from '../src/jobs';
import { createLogger } from '../src/logger';
import type { Metrics } from '../src/metrics';
import type { NoteDispatcher } from '../src/modules/notes/note-delivery';
import { TEST_ITERATIONS, TOKEN, api, revealBody, startTestApp, type TestApp } from './harness';

/**
 * The real app with its note dispatcher and jobs loop (outbox, purge) on fast settings, the three
 * desk stand-ins registered as tenants, and helpers to act as an agent in a sidebar.
 */

export const auth = { authorization: `Bearer ${TOKEN}` };
export const SLUGS: Record<Desk, string> = { zendesk: 'acme-zendesk', servicenow: 'acme-servicenow', jira: 'acme-jira' };

export interface SidebarWorld {
  t: TestApp;
  desks: StartedDeskStandIns;
  notes: NoteDispatcher;
  metrics: Metrics;
  jobs: Jobs;
  close(): Promise<void>;
}

export async function startSidebarWorld(
  opts: { maxAttempts?: number; backoffMs?: number; timeoutMs?: number; keys?: string } = {},
): Promise<SidebarWorld> {
  const desks = await startDeskStandIns();
  const t = await startTestApp({
    ...(opts.keys ? { keys: opts.keys } : {}),
    config: { noteMaxAttempts: opts.maxAttempts ?? 8, noteBackoffMs: opts.backoffMs ?? 100, helpdeskTimeoutMs: opts.timeoutMs ?? 2_000 },
  });
  const { notes, metrics } = t.graph;
  for (const body of Object.values(desks.tenants())) {
    const res = await api(t.url, 'POST', '/api/v1/admin/tenants', body, auth);
    if (res.status !== 201) throw new Error(`tenant: ${res.status} ${JSON.stringify(res.json)}`);
  }
  // The jobs log to nowhere; the dispatcher logs into the app's captured logs.
  const jobs = startJobs(t.db, createLogger('warn', new Writable({ write: (_c, _e, cb) => cb() })), {
    purgeIntervalMs: 100,
    sealIntervalMs: 1_000,
    outboxIntervalMs: 25,
    notes,
    metrics,
  });
  return {
    t,
    desks,
    notes,
    metrics,
    jobs,
    async close() {
      await jobs.stop();
      await t.close();
      await desks.close();
    },
  };
}

export interface Agent {
  desk: Desk;
  ticketId: string;
  session: string;
}

/** Opens a sidebar on a ticket: a host token minted by the stand-in, exchanged for a session. */
export async function openSidebar(w: SidebarWorld, desk: Desk, ticketIndex = 0): Promise<Agent> {
  const ticket = w.desks.state[desk].tickets[ticketIndex]!;
  const agent = w.desks.state[desk].agents[0]!;
  let res;
  if (desk === 'zendesk') {
    const token = await w.desks.mint.zendesk({ agentId: agent.id });
    res = await api(w.t.url, 'POST', '/api/v1/sessions/zendesk', { token, ticketId: ticket.id });
  } else if (desk === 'servicenow') {
    const token = await w.desks.mint.servicenow({ sysId: ticket.id, agentSysId: agent.id });
    res = await api(w.t.url, 'POST', '/api/v1/sessions/servicenow', { token, table: ticket.table, sysId: ticket.id });
  } else {
    const token = await w.desks.mint.forge({ accountId: agent.id, issueKey: ticket.id });
    res = await api(w.t.url, 'POST', '/api/v1/sessions/jira', { issueKey: ticket.id }, { authorization: `Bearer ${token}` });
  }
  if (res.status !== 200) throw new Error(`session: ${res.status} ${JSON.stringify(res.json)}`);
  return { desk, ticketId: ticket.id, session: res.json.session };
}

export const sidebar = (w: SidebarWorld, a: Agent, method: string, path: string, body?: unknown) =>
  api(w.t.url, method, `/api/v1/sidebar${path}`, body, { [SESSION_HEADER]: a.session });

export interface Sent {
  id: string;
  fingerprint: string;
  linkBase: string;
  linkKey: Uint8Array;
  passphraseSalt?: Uint8Array;
}

export async function send(
  w: SidebarWorld,
  a: Agent,
  payload: SecretPayload = { kind: 'text', text: 'correct horse battery staple' },
  extra: Partial<CreateTicketSecretRequest> & { passphrase?: string } = {},
): Promise<Sent> {
  const { passphrase, ...rest } = extra;
  const sealed = await sealSecret(payload, passphrase ? { passphrase, iterations: TEST_ITERATIONS } : {});
  const res = await sidebar(w, a, 'POST', '/secrets', {
    kind: payload.kind,
    ciphertext: toBase64Url(sealed.ciphertext),
    keyCheck: toBase64Url(sealed.keyCheck),
    ...(sealed.passphraseSalt && sealed.passphraseCheck
      ? { passphraseSalt: toBase64Url(sealed.passphraseSalt), passphraseCheck: toBase64Url(sealed.passphraseCheck) }
      : {}),
    ...rest,
  });
  if (res.status !== 201) throw new Error(`sidebar create: ${res.status} ${JSON.stringify(res.json)}`);
  return { ...res.json, linkKey: sealed.linkKey };
}

/** The customer opens the link: reveal through the tenant's public prefix. */
export async function customerReveal(w: SidebarWorld, desk: Desk, s: Sent) {
  return api(w.t.url, 'POST', `/api/v1/t/${SLUGS[desk]}/secrets/${s.id}/reveal`, await revealBody(s.linkKey));
}

/** Polls until `check` passes (or throws its last failure after `ms`). */
export async function eventually<T>(check: () => T | Promise<T>, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export const notesOn = (w: SidebarWorld, a: Agent) => w.desks.state.notes(a.desk, a.ticketId).map((c) => c.body);

export async function scrape(w: SidebarWorld): Promise<string> {
  const res = await fetch(`${w.t.url}/metrics`, { headers: auth });
  return res.text();
}
