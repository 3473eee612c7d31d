import { serveOnLoopback } from '../../ports';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import express, { type Router } from 'express';
import { createDuoAuthRouter } from './duo-auth.stand-in';
import { createDuoPhoneRouter } from './duo-phone.stand-in';
import { createDuoUniversalRouter } from './duo-universal.stand-in';
import { DuoState, type DuoDecision, type DuoLogEntry, type DuoTransaction, type DuoUser, type DuoUserScript } from './duo.state';

/** Credentials the stand-in accepts unless told otherwise; lengths match Duo's (client id 20, secret 40). */
export const DUO_TEST_CREDENTIALS = {
  apiHost: 'api-e2e0000.duosecurity.com',
  integrationKey: 'DIE2E0000000000000AA',
  secretKey: 'e2eSecretKeyForTheDuoAuthApiStandIn00000',
  universal: { clientId: 'DIE2E000000000000UNI', clientSecret: 'e2eClientSecretForTheUniversalPrompt0000' },
} as const;

/** The file `node --import` loads to reroute Duo hosts to the stand-in (see intercept.ts). */
export const DUO_INTERCEPT_MODULE = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'intercept.ts')).href;
/** The environment variable intercept.ts reads for the stand-in's URL. */
export const DUO_STANDIN_ENV = 'VOUCHSAFE_TEST_DUO_STANDIN';

export interface DuoStandInOptions {
  /** The Duo API host the clients are configured with (default api-e2e0000.duosecurity.com). */
  apiHost?: string;
  /** Auth API applications (default: DUO_TEST_CREDENTIALS). */
  integrations?: { integrationKey: string; secretKey: string }[];
  /** Universal Prompt (Web SDK) applications (default: DUO_TEST_CREDENTIALS.universal). */
  clients?: { clientId: string; clientSecret: string }[];
  /** false: no users (add them with setUser). Default: the desk stand-ins' requesters, push approves. */
  seed?: boolean;
  /** preauth for usernames Duo does not know (the new-user policy); default 'enroll'. */
  unknownUsers?: 'enroll' | 'deny' | 'allow';
  /** How long auth_status holds a request when nothing changes (default 10 s). */
  longPollMs?: number;
}

/** A Duo `kind: 'duo'` IdP configuration for this stand-in (what PUT …/idp/duo takes). */
export interface DuoStandInConfig {
  kind: 'duo';
  apiHost: string;
  integrationKey: string;
  secretKey: string;
  universal: { clientId: string; clientSecret: string };
}

export interface DuoStandIn {
  /** Serves /auth/v2/*, /oauth/v1/*, /__phone/duo/*: mount it at '/'. */
  readonly router: Router;
  readonly state: DuoState;
  readonly apiHost: string;
  /** IdP configuration pointing at this stand-in's first credentials. */
  readonly config: DuoStandInConfig;
  /** Adds or rescripts a user: `setUser('priya.natarajan@customer.test', { outcome: 'deny' })`. */
  setUser(username: string, script?: DuoUserScript): DuoUser;
  /** Pushes waiting for an answer. */
  pending(): DuoTransaction[];
  /** Answers a waiting push as the phone would (ignores the Verified Push code). */
  decide(txid: string, decision: DuoDecision): boolean;
  /** Every request, in order. */
  readonly log: readonly DuoLogEntry[];
  /** Back to the seeded users; transactions and the log cleared. */
  reset(): void;
}

export interface StartedDuoStandIn extends DuoStandIn {
  /** `http://127.0.0.1:<port>`: give it to the interception (setDuoStandIn or VOUCHSAFE_TEST_DUO_STANDIN). */
  readonly url: string;
  close(): Promise<void>;
}

export function createDuoStandIn(options: DuoStandInOptions = {}): DuoStandIn {
  const apiHost = (options.apiHost ?? DUO_TEST_CREDENTIALS.apiHost).toLowerCase();
  const integrations = options.integrations ?? [
    { integrationKey: DUO_TEST_CREDENTIALS.integrationKey, secretKey: DUO_TEST_CREDENTIALS.secretKey },
  ];
  const clients = options.clients ?? [DUO_TEST_CREDENTIALS.universal];
  const state = new DuoState(options.seed ?? true);
  const router = express.Router();
  router.use(
    createDuoAuthRouter({
      state,
      apiHost: () => apiHost,
      secretFor: (ikey) => integrations.find((i) => i.integrationKey === ikey)?.secretKey,
      unknownUsers: () => options.unknownUsers ?? 'enroll',
      longPollMs: () => options.longPollMs ?? 10_000,
    }),
  );
  router.use(
    createDuoUniversalRouter({
      state,
      apiHost: () => apiHost,
      clientSecretFor: (id) => clients.find((c) => c.clientId === id)?.clientSecret,
    }),
  );
  router.use(createDuoPhoneRouter(state));
  const [integration] = integrations;
  const [client] = clients;
  if (!integration || !client) throw new Error('createDuoStandIn needs at least one integration and one client');
  return {
    router,
    state,
    apiHost,
    config: {
      kind: 'duo',
      apiHost,
      integrationKey: integration.integrationKey,
      secretKey: integration.secretKey,
      universal: { ...client },
    },
    setUser: (username, script) => state.setUser(username, script),
    pending: () => state.pending(),
    decide: (txid, decision) => state.decide(txid, decision),
    get log() {
      return state.log;
    },
    reset: () => state.reset(),
  };
}

/** Starts the Duo stand-in on 127.0.0.1 (random port). */
export async function startDuoStandIn(options: DuoStandInOptions = {}): Promise<StartedDuoStandIn> {
  const standIn = createDuoStandIn(options);
  const server = await serveOnLoopback(standIn.router);
  return Object.assign(standIn, {
    url: server.url,
    close: async () => {
      standIn.state.dispose();
      await server.close();
    },
  });
}
