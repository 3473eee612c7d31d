import type { NextFunction, Request, Response } from 'express';
import { sql } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from './db/database';

/**
 * Prometheus metrics on a registry of our own (never prom-client's global one, so several apps in
 * one process, as in tests, never share or double-register counters). Labels never carry ids,
 * URLs or tokens: the HTTP route label is the route pattern.
 */
/** Seconds; from a fast database answer to a long-polled push (the desk and IdP timeouts are 10 s by default). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(db: Db) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const httpRequests = new Counter({
    name: 'vouchsafe_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  // Latency, with an outcome label so slow failures and slow successes can be told apart (issue 10).
  const httpDuration = new Histogram({
    name: 'vouchsafe_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and outcome (2xx, 3xx, 4xx, 5xx).',
    labelNames: ['method', 'route', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const deskCallDuration = new Histogram({
    name: 'vouchsafe_desk_call_duration_seconds',
    help: 'Calls to help-desk APIs, by desk, operation and outcome (ok, or the error kind).',
    labelNames: ['desk', 'operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const idpCallDuration = new Histogram({
    name: 'vouchsafe_idp_call_duration_seconds',
    help: "Calls to identity providers, by IdP kind, operation and outcome (ok, the IdP's answer, or the error kind).",
    labelNames: ['idp', 'operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const secretsCreated = new Counter({ name: 'vouchsafe_secrets_created_total', help: 'Secrets created.', registers });
  const secretsRevealed = new Counter({
    name: 'vouchsafe_secrets_revealed_total',
    help: 'Views consumed (successful reveals).',
    registers,
  });
  const secretsExpired = new Counter({
    name: 'vouchsafe_secrets_expired_total',
    help: 'Expired secrets purged by this process.',
    registers,
  });
  const notesDelivered = new Counter({
    name: 'vouchsafe_notes_delivered_total',
    help: 'Internal notes delivered to a help desk.',
    registers,
  });
  const notesFailed = new Counter({
    name: 'vouchsafe_notes_failed_total',
    help: 'Internal notes given up on after their last attempt.',
    registers,
  });
  const sessionRejections = new Counter({
    name: 'vouchsafe_session_rejections_total',
    help: 'Sidebar session exchanges or sessions refused, by desk and reason.',
    labelNames: ['desk', 'reason'] as const,
    registers,
  });
  // Issue 12: desk webhooks, by desk and outcome (accepted, duplicate, or why one was refused); never ids or bodies.
  const deskEvents = new Counter({
    name: 'vouchsafe_desk_events_total',
    help: 'Desk webhook deliveries, by desk and outcome (accepted, duplicate, unknown_tenant, missing_signature, bad_signature, stale, malformed).',
    labelNames: ['desk', 'outcome'] as const,
    registers,
  });
  const commentRedactions = new Counter({
    name: 'vouchsafe_comment_redactions_total',
    help: 'Secrets found in desk comments, by desk and what became of them (reported, redacted, already_clean, not_redactable, failed).',
    labelNames: ['desk', 'outcome'] as const,
    registers,
  });
  const apiAuthFailures = new Counter({
    name: 'vouchsafe_api_auth_failures_total',
    help: 'API-token requests refused, by reason: missing (no bearer token), unknown (no such token), scope (token lacks the scope), throttled (too many failures from the network).',
    labelNames: ['reason'] as const,
    registers,
  });
  for (const reason of ['missing', 'unknown', 'scope', 'throttled']) apiAuthFailures.inc({ reason }, 0);
  const verificationsStarted = new Counter({
    name: 'vouchsafe_verifications_started_total',
    help: 'Caller and recipient verifications started (the IdP accepted the request), by method.',
    labelNames: ['method'] as const,
    registers,
  });
  const verificationsFinished = new Counter({
    name: 'vouchsafe_verifications_finished_total',
    help: 'Verification outcomes recorded by this process, by method and final state.',
    labelNames: ['method', 'state'] as const,
    registers,
  });
  const verificationStreams = new Gauge({
    name: 'vouchsafe_verification_streams',
    help: 'Open live-status streams (SSE) of sidebars connected to this process.',
    registers,
  });
  new Gauge({
    name: 'vouchsafe_notes_outbox',
    help: 'Rows in the internal-note outbox, by status (read from the database on scrape).',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const { rows } = await sql<{ status: string; n: string }>`
        SELECT status, count(*)::text AS n FROM note_outbox GROUP BY status`.execute(db);
      const counts = new Map(rows.map((r) => [r.status, Number(r.n)]));
      for (const status of ['pending', 'delivered', 'failed']) this.set({ status }, counts.get(status) ?? 0);
    },
  });

  return {
    registry,
    httpRequests,
    httpDuration,
    deskCallDuration,
    idpCallDuration,
    secretsCreated,
    secretsRevealed,
    secretsExpired,
    notesDelivered,
    notesFailed,
    sessionRejections,
    deskEvents,
    commentRedactions,
    apiAuthFailures,
    verificationsStarted,
    verificationsFinished,
    verificationStreams,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** `/api/v1/t/acme` → `/api/v1/t/:tenant`: tenant slugs stay out of labels. */
const normaliseBase = (base: string) => base.replace(/\/t\/[^/]+/, '/t/:tenant');

const ROUTE = Symbol('vouchsafe.route');
const ROUTE_LABEL = Symbol('vouchsafe.routeLabel');
interface Instrumented {
  [ROUTE]?: Request['route'];
  [ROUTE_LABEL]?: string;
}

/** Request prototypes (one per Express app) whose `route` assignment records the label. */
const instrumented = new WeakSet<object>();

/**
 * Express assigns `req.route` when a route matches; an accessor on the app's request prototype, installed once,
 * records the pattern at that moment. (It used to be defined on every request object, which left each request
 * with a shape of its own and cost ~8 % of the API's CPU per secret cycle: issue 15, BENCHMARKS.md.)
 */
function instrument(proto: object): void {
  if (instrumented.has(proto)) return;
  instrumented.add(proto);
  Object.defineProperty(proto, 'route', {
    configurable: true,
    enumerable: true,
    get(this: Request & Instrumented) {
      return this[ROUTE];
    },
    set(this: Request & Instrumented, value: Request['route']) {
      this[ROUTE] = value;
      const path: unknown = value?.path;
      const pattern = Array.isArray(path) ? path.join('|') : String(path);
      this[ROUTE_LABEL] = `${normaliseBase(this.baseUrl)}${pattern === '/' && this.baseUrl ? '' : pattern}`;
    },
  });
}

/**
 * Counts every answered request under its route pattern. Express restores `req.baseUrl` when an
 * error leaves a router, so the pattern is captured at the moment a route matches (Express assigns
 * `req.route` then), not at `finish`.
 */
export function httpMetrics(metrics: Pick<Metrics, 'httpRequests' | 'httpDuration'>) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    instrument(Object.getPrototypeOf(req) as object);
    const r = req as Request & Instrumented;
    r[ROUTE] = undefined;
    r[ROUTE_LABEL] = undefined;
    res.on('finish', () => {
      const fallback = req.originalUrl.startsWith('/api/') ? 'unmatched' : 'static';
      const route = r[ROUTE_LABEL] ?? fallback;
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.httpDuration.observe(
        { method: req.method, route, outcome: `${Math.floor(res.statusCode / 100)}xx` },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  };
}
