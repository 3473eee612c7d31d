import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { addressProblem, defaultPort, urlProblem, type OutboundPolicy } from './url-rules';

/**
 * The one way Vouchsafe connects out (DESIGN S12): every connector and provider gets an Outbound from the composition
 * root. `fetch` checks the URL rules again, resolves names itself, refuses when any address is not allowed, and
 * connects to exactly the addresses it checked (so DNS rebinding between check and connect is not possible); IP
 * literals are checked too (no lookup happens for them). Redirects are never followed. `nodeAgent` does the same for
 * SDKs built on node's http(s) agents (Okta). See NOTES.md.
 */

const OUTBOUND_REFUSED = 'ERR_OUTBOUND_REFUSED';

/** A connection refused by policy. Messages name the reason, never the host, address or URL. */
export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
  /** Survives wrappers that keep only the code (node-fetch 2's FetchError copies `code` and drops the error). */
  readonly code = OUTBOUND_REFUSED;
  constructor(
    /** What was refused: 'URL', 'address' or 'host name'. */
    readonly subject: 'URL' | 'address' | 'host name',
    /** The url-rules phrase ("leads to an address that is loopback (127.0.0.0/8), …"). */
    readonly phrase: string,
  ) {
    super(`Vouchsafe refused to connect: the ${subject} ${phrase}.`);
  }
}

/** Whether an error (or any error in its `cause` chain, where fetch puts it) is a policy refusal. */
export function isOutboundRefusal(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    if (e instanceof OutboundRefused || (e as { code?: unknown }).code === OUTBOUND_REFUSED) return true;
  }
  return false;
}

/** Name → addresses. The default is the system resolver (getaddrinfo, as node would use); tests inject their own. */
export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface OutboundOptions {
  resolve?: Resolver;
  /** Tests only: extra trusted CA certificates (PEM), added to node's roots. Production uses NODE_EXTRA_CA_CERTS. */
  ca?: string;
  /** Bound on a registration-time lookup; a name that does not resolve in time is judged at connect time. */
  registrationLookupMs?: number;
}

/** `fetch` with the standard signature (the global Response type), so callers and jose's customFetch can take it. */
export type OutboundFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface Outbound {
  readonly policy: OutboundPolicy;
  /** Registration: the URL rules (no DNS). A phrase for a 422, or undefined. */
  urlProblem(url: string): string | undefined;
  /**
   * Registration: the URL rules, then, if the name resolves now, its addresses. A name that does not resolve (yet) is
   * accepted here and judged at every connect.
   */
  registrationProblem(url: string): Promise<string | undefined>;
  fetch: OutboundFetch;
  /** An http(s) Agent for node-fetch / https.request based SDKs: the same checks at connect time. */
  nodeAgent(protocol: 'http:' | 'https:'): http.Agent;
  close(): Promise<void>;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type LookupFunction = (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback) => void;

/** What every check below needs: the policy, how names resolve, and (tests only) extra trusted CAs. */
interface Guard {
  policy: OutboundPolicy;
  resolve: Resolver;
  ca: string[] | undefined;
}

/** Resolves, checks every address (one bad answer refuses them all) and hands back exactly the checked ones. */
async function checkedAddresses(guard: Guard, hostname: string, port: number): Promise<LookupAddress[]> {
  const answers = await guard.resolve(hostname);
  if (answers.length === 0) throw Object.assign(new Error('the host name resolved to no address'), { code: 'ENOTFOUND' });
  for (const answer of answers) {
    const problem = addressProblem(answer.address, port, guard.policy);
    if (problem !== undefined) throw new OutboundRefused('host name', problem);
  }
  return answers.map((a) => ({ address: a.address, family: a.family }));
}

/** A `lookup` for net/tls.connect that only ever yields checked addresses for this port. */
function guardedLookup(guard: Guard, port: number): LookupFunction {
  return (hostname, opts, callback) => {
    checkedAddresses(guard, hostname, port).then(
      (all) => {
        const family = opts.family === 4 || opts.family === 'IPv4' ? 4 : opts.family === 6 || opts.family === 'IPv6' ? 6 : 0;
        const usable = family === 0 ? all : all.filter((a) => a.family === family);
        if (usable.length === 0) {
          callback(Object.assign(new Error(`no IPv${family} address`), { code: 'ENOTFOUND' }), '', 0);
          return;
        }
        if (opts.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };
}

/** Literal hosts connect without a lookup: they are judged here. Undefined for names. */
function literalRefusal(guard: Guard, host: string, port: number): OutboundRefused | undefined {
  const ip = host.replace(/^\[|\]$/g, '');
  if (!net.isIP(ip)) return undefined;
  const problem = addressProblem(ip, port, guard.policy);
  return problem === undefined ? undefined : new OutboundRefused('address', problem);
}

/** undici's Agent with a connect function that judges literals and connects names through the guarded lookup. */
function createDispatcher(guard: Guard): Agent {
  // buildConnector fixes its options (the lookup, so the port) at build time: one connector per port.
  const connectors = new Map<number, buildConnector.connector>();
  const connectorFor = (port: number): buildConnector.connector => {
    let connector = connectors.get(port);
    if (!connector) {
      connector = buildConnector({ lookup: guardedLookup(guard, port), ...(guard.ca ? { ca: guard.ca } : {}) });
      connectors.set(port, connector);
    }
    return connector;
  };
  return new Agent({
    connect(opts, callback) {
      const port = Number(opts.port) || defaultPort(opts.protocol);
      const refusal = literalRefusal(guard, opts.hostname, port);
      if (refusal) {
        callback(refusal, null);
        return;
      }
      connectorFor(port)(opts, callback);
    },
  });
}

/** node's http(s).Agent whose createConnection judges literals and gives names the guarded lookup. */
function createNodeAgent(guard: Guard, protocol: 'http:' | 'https:'): http.Agent {
  const Base = protocol === 'https:' ? https.Agent : http.Agent;
  const agent = new Base({ keepAlive: true, ...(guard.ca && protocol === 'https:' ? { ca: guard.ca } : {}) });
  const create = agent.createConnection.bind(agent) as (o: net.NetConnectOpts, oncreate: unknown) => net.Socket | undefined;
  // node's Agent calls createConnection(options, oncreate); answering through oncreate with an error fails the request.
  (agent as unknown as { createConnection: unknown }).createConnection = (
    o: { host?: string; port?: number | string },
    oncreate: (err: Error | null, socket?: net.Socket) => void,
  ) => {
    const port = Number(o.port) || defaultPort(protocol);
    const refusal = literalRefusal(guard, o.host ?? '', port);
    if (refusal) {
      process.nextTick(() => oncreate(refusal));
      return undefined;
    }
    return create({ ...o, lookup: guardedLookup(guard, port) } as net.NetConnectOpts, oncreate);
  };
  return agent;
}

/** The URL rules, then the addresses the name resolves to now (bounded); no answer in time means "judge it later". */
async function registrationProblem(guard: Guard, url: string, lookupMs: number): Promise<string | undefined> {
  const problem = urlProblem(url, guard.policy);
  if (problem !== undefined || guard.policy.isAnyAddressAllowed) return problem;
  const parsed = new URL(url);
  if (net.isIP(parsed.hostname.replace(/^\[|\]$/g, ''))) return undefined;
  const port = Number(parsed.port) || defaultPort(parsed.protocol);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((done) => {
    timer = setTimeout(() => done(undefined), lookupMs);
  });
  try {
    await Promise.race([checkedAddresses(guard, parsed.hostname, port), late]);
    return undefined;
  } catch (err) {
    // Refused addresses answer now; a name that does not resolve (yet) is left to connect time.
    return err instanceof OutboundRefused ? err.phrase : undefined;
  } finally {
    clearTimeout(timer);
  }
}

export function createOutbound(policy: OutboundPolicy, options: OutboundOptions = {}): Outbound {
  const guard: Guard = {
    policy,
    resolve: options.resolve ?? systemResolver,
    ca: options.ca === undefined ? undefined : [...tls.rootCertificates, options.ca],
  };
  const dispatcher = createDispatcher(guard);
  const nodeAgents = { 'http:': createNodeAgent(guard, 'http:'), 'https:': createNodeAgent(guard, 'https:') };

  const guardedFetch: OutboundFetch = async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input.href;
    const problem = urlProblem(url, policy);
    if (problem !== undefined) throw new OutboundRefused('URL', problem);
    // Redirects are refused outright: none of the APIs we call needs one, and following one is how SSRF escapes.
    const response = await undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), redirect: 'error', dispatcher });
    return response as unknown as Response;
  };

  return {
    policy,
    urlProblem: (url) => urlProblem(url, policy),
    registrationProblem: (url) => registrationProblem(guard, url, options.registrationLookupMs ?? 3_000),
    fetch: guardedFetch,
    nodeAgent: (protocol) => nodeAgents[protocol],
    async close() {
      nodeAgents['http:'].destroy();
      nodeAgents['https:'].destroy();
      await dispatcher.close();
    },
  };
}
