import { Writable } from 'node:stream';
import { SESSION_HEADER, type Desk, type IdpConfig, type Verification, type VerificationPolicyInput } from '@vouchsafe/contracts';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { startJobs, type Jobs } from '../src/jobs';
import { createLogger } from '../src/logger';
import type { NoteDispatcher } from '../src/modules/notes/note-delivery';
import type { IdpUser, ProviderOutcome, VerificationProvider } from '../src/providers/provider.types';
import type { AppConfig, ComposeInput } from '../src/compose';
import type { Metrics } from '../src/metrics';
import type { LiveHub } from '../src/modules/verification/live';
import type { VerificationRuntime } from '../src/modules/verification/verification.setup';
import { api, startTestApp, type TestApp, type TestAppOptions } from './harness';
import { SLUGS, auth } from './sidebar-support';

/**
 * The real app (notes, jobs, poller, LISTEN hub) on the desk stand-ins, plus a scripted provider
 * typed against VerificationProvider, registered as the tenant's Okta (and Twilio) constructor so
 * the real admin IdP endpoint, createProviders and the whole lifecycle run as in production.
 */

const quiet = () => createLogger('warn', new Writable({ write: (_c, _e, cb) => cb() }));

export interface ScriptedIdp {
  provider: VerificationProvider;
  /** What the next polls answer (all open transactions). */
  answer: ProviderOutcome;
  /** Code provider: the code that passes. */
  goodCode: string;
  starts: number;
  polls: number;
  cancels: string[];
  /** Called when a poll answer leaves the IdP (bench / latency). */
  onAnswer?: (outcome: ProviderOutcome) => void;
  /** Okta: the phone in the user's profile; undefined = the desk's number (as if both agreed). */
  profilePhone?: string | null;
  /** The users start() was called for, in order (the callback provider's carries the number it would call). */
  startedFor: IdpUser[];
}

export function scriptedIdp(kind: 'okta' | 'twilio'): ScriptedIdp {
  let n = 0;
  const self: ScriptedIdp = {
    answer: { state: 'waiting' },
    goodCode: '424242',
    starts: 0,
    polls: 0,
    cancels: [],
    startedFor: [],
    provider: {
      kind,
      methods: kind === 'okta' ? ['okta_push'] : ['callback_sms', 'callback_voice'],
      async resolveUser(r): Promise<IdpUser | undefined> {
        if (kind === 'twilio') return r.phone ? { ref: '***', email: r.email, phone: r.phone } : undefined;
        const phone = self.profilePhone === undefined ? r.phone : self.profilePhone;
        return r.email ? { ref: `00u${r.email.length}abcdef`, email: r.email, phone } : undefined;
      },
      async listMethods() {
        const old = new Date('2020-01-01T00:00:00Z');
        return kind === 'okta'
          ? [{ method: 'okta_push' as const, factorRef: 'opf1', createdAt: old, updatedAt: old }]
          : [{ method: 'callback_sms' as const }, { method: 'callback_voice' as const }];
      },
      async start(user, method) {
        self.starts += 1;
        self.startedFor.push(user);
        n += 1;
        const tx = `v2mst${String(n).padStart(4, '0')}QwErTyUiOp`;
        if (kind === 'okta') return { idpRef: tx, binding: { kind: 'number_challenge', number: '73' }, providerState: { tx } };
        return {
          idpRef: `VE${tx}`,
          binding: { kind: 'callback_code', sentTo: '***01', channel: method.method === 'callback_sms' ? 'sms' : 'voice', attemptsLeft: 3 },
          providerState: { sid: `VE${tx}` },
        };
      },
      async poll() {
        self.polls += 1;
        const outcome = self.answer;
        self.onAnswer?.(outcome);
        return outcome;
      },
      async complete(_state, input) {
        return input.code === self.goodCode ? { state: 'verified' } : { state: 'waiting' };
      },
      async cancel(state) {
        self.cancels.push(String(state.tx ?? state.sid));
      },
    },
  };
  return self;
}

export interface VerifyWorld {
  t: TestApp;
  desks: StartedDeskStandIns;
  notes: NoteDispatcher;
  metrics: Metrics;
  runtime: VerificationRuntime;
  live: LiveHub;
  jobs: Jobs;
  /** How this world's app was started (a peer process starts the same way). */
  appOptions: TestAppOptions;
  close(): Promise<void>;
}

/** The scripted providers as the composition root takes them: constructors by IdP kind. */
const constructorsOf = (idps: readonly ScriptedIdp[]): ComposeInput['providerConstructors'] =>
  Object.fromEntries(idps.map((idp) => [idp.provider.kind, () => idp.provider]));

/**
 * The real app (notes, jobs, poller, LISTEN hub) on the desk stand-ins; `idps` replace the built-in providers of their
 * kinds (given to the composition root as data, as production would give the real ones).
 */
export async function startVerifyWorld(opts: { pollIntervalMs?: number; idps?: readonly ScriptedIdp[] } = {}): Promise<VerifyWorld> {
  const desks = await startDeskStandIns();
  const appOptions: TestAppOptions = {
    config: { noteBackoffMs: 100, helpdeskTimeoutMs: 2_000 },
    isLive: true,
    verificationPolling: { intervalMs: opts.pollIntervalMs ?? 50, maxWaitMs: 1_000 },
    ...(opts.idps ? { providerConstructors: constructorsOf(opts.idps) } : {}),
  };
  const t = await startTestApp(appOptions);
  const { notes, metrics, verification: runtime, live } = t.graph;
  for (const body of Object.values(desks.tenants())) {
    const res = await api(t.url, 'POST', '/api/v1/admin/tenants', body, auth);
    if (res.status !== 201) throw new Error(`tenant: ${res.status} ${JSON.stringify(res.json)}`);
  }
  const jobs = startJobs(t.db, quiet(), {
    purgeIntervalMs: 1_000,
    sealIntervalMs: 200,
    outboxIntervalMs: 25,
    ...t.graph.workers,
    verificationIntervalMs: 50,
  });
  return {
    t,
    desks,
    notes,
    metrics,
    runtime,
    live: live!,
    jobs,
    appOptions,
    async close() {
      await jobs.stop();
      await t.close();
      await desks.close();
    },
  };
}

/** A second API "process" on the same database: its own pool, poller and LISTEN connection. */
export async function startPeerApp(
  w: VerifyWorld,
  config: Partial<AppConfig> = {},
): Promise<{ url: string; live: LiveHub; close(): Promise<void> }> {
  const peer = await w.t.another({ ...w.appOptions, config: { ...w.appOptions.config, ...config } });
  return { url: peer.url, live: peer.graph.live!, close: () => peer.close() };
}

export async function configureIdp(w: VerifyWorld, desk: Desk, config: IdpConfig): Promise<void> {
  const res = await api(w.t.url, 'PUT', `/api/v1/admin/tenants/${SLUGS[desk]}/idp/${config.kind}`, config, auth);
  if (res.status !== 204) throw new Error(`idp: ${res.status} ${JSON.stringify(res.json)}`);
}

export async function setPolicy(w: VerifyWorld, desk: Desk, policy: VerificationPolicyInput): Promise<void> {
  const res = await api(w.t.url, 'PUT', `/api/v1/admin/tenants/${SLUGS[desk]}/policy`, policy, auth);
  if (res.status !== 200) throw new Error(`policy: ${res.status} ${JSON.stringify(res.json)}`);
}

export const OKTA: IdpConfig = { kind: 'okta', orgUrl: 'http://localhost:9/okta', auth: { apiToken: 'okta-api-token-for-tests' } };
export const TWILIO: IdpConfig = {
  kind: 'twilio',
  accountSid: `AC${'0'.repeat(32)}`,
  authToken: 'twilio-auth-token',
  serviceSid: `VA${'1'.repeat(32)}`,
  baseUrl: 'http://localhost:9/twilio',
};

export interface AgentSession {
  desk: Desk;
  ticketId: string;
  agentId: string;
  session: string;
}

/** An agent (by index in the stand-in) opens the sidebar on a Zendesk ticket (by id). */
export async function openAs(w: VerifyWorld, ticketId: string, agentIndex = 0, base = w.t.url): Promise<AgentSession> {
  const agent = w.desks.state.zendesk.agents[agentIndex]!;
  const token = await w.desks.mint.zendesk({ agentId: agent.id });
  const res = await api(base, 'POST', '/api/v1/sessions/zendesk', { token, ticketId });
  if (res.status !== 200) throw new Error(`session: ${res.status} ${JSON.stringify(res.json)}`);
  return { desk: 'zendesk', ticketId, agentId: agent.id, session: res.json.session };
}

export const call = (base: string, a: AgentSession, method: string, path: string, body?: unknown) =>
  api(base, method, `/api/v1/sidebar${path}`, body, { [SESSION_HEADER]: a.session });

export interface SseClient {
  events: Verification[];
  raw: string[];
  /** Resolves with the first event (already received or future) matching. */
  next(pred: (v: Verification) => boolean, ms?: number): Promise<Verification>;
  close(): void;
  done: Promise<void>;
}

/** Reads the SSE stream like the sidebar does (fetch streaming, session header). */
export async function openEvents(
  base: string,
  a: AgentSession,
  onEvent?: (v: Verification) => void,
): Promise<SseClient & { headers: Headers; status: number }> {
  const ac = new AbortController();
  const res = await fetch(`${base}/api/v1/sidebar/verifications/events`, { headers: { [SESSION_HEADER]: a.session }, signal: ac.signal });
  const events: Verification[] = [];
  const raw: string[] = [];
  const waiters = new Set<{ pred: (v: Verification) => boolean; resolve: (v: Verification) => void }>();
  const done = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          raw.push(block);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (/^event: verification$/m.test(block) && data) {
            const v = JSON.parse(data.slice(6)) as Verification;
            events.push(v);
            onEvent?.(v);
            for (const w of [...waiters]) {
              if (w.pred(v)) {
                waiters.delete(w);
                w.resolve(v);
              }
            }
          }
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    events,
    raw,
    done,
    next: (pred, ms = 5_000) =>
      new Promise((resolve, reject) => {
        const found = events.find(pred);
        if (found) return resolve(found);
        const w = { pred, resolve };
        waiters.add(w);
        setTimeout(() => {
          if (waiters.delete(w)) reject(new Error(`no matching SSE event in ${ms} ms; got ${JSON.stringify(events.map((e) => e.state))}`));
        }, ms);
      }),
    close: () => ac.abort(),
  };
}
