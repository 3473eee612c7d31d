import { serveOnLoopback, type LoopbackTls } from '../ports';
import { createDeskAdmin, type DeskAdmin } from './desk.admin';
import express, { type Router } from 'express';
import { DeskFaults, type FaultOptions } from './desk.faults';
import type { DeskContext } from './desk.http';
import { createDeskKeys, type DeskKeys, type DeskKeySet } from './desk.keys';
import { DeskState } from './desk.state';
import { deskTenants, type DeskTenants } from './desk.tenants';
import { createDeskMint, type DeskMint } from './desk.tokens';
import type { Desk } from './desk.types';
import { createJiraRouter } from './jira.stand-in';
import { createServiceNowRouter } from './servicenow.stand-in';
import { createZendeskRouter } from './zendesk.stand-in';
import { createDeskWebhooks, type DeskWebhooks } from './desk.webhooks';

export interface DeskStandInOptions {
  /** false: no requesters or tickets, only agents and the integration users (add tickets with state.addTicket). */
  seed?: boolean;
  /** Keys from an earlier `keys.export()`, so tokens and tenants stay valid across restarts (demo). */
  keys?: DeskKeySet;
  /** Where the router is reachable, when mounted in another server (used in tokens and self links). */
  baseUrl?: string;
  /** startDeskStandIns only: serve over https with the throwaway test CA (production-mode tests). */
  tls?: LoopbackTls;
}

export interface DeskStandIns {
  /** Serves /zendesk/*, /servicenow/*, /jira/*: mount it at '/'. */
  readonly router: Router;
  readonly state: DeskState;
  readonly keys: DeskKeys;
  readonly mint: DeskMint;
  /** TenantCreateRequest bodies pointing at `baseUrl` (default: the stand-ins' own URL). */
  tenants(baseUrl?: string): DeskTenants;
  /** Every request to `desk` fails for `ms` milliseconds: 503 (default) or a destroyed socket. */
  outage(desk: Desk, ms: number, options?: FaultOptions): void;
  /** The next `n` writes to `desk` are applied, but the reply is a 503 (default) or a destroyed socket. */
  dropResponses(desk: Desk, n: number, options?: FaultOptions): void;
  /** Tells the stand-ins their public URL (for a router mounted in another server). */
  setBaseUrl(url: string): void;
  readonly baseUrl: string | undefined;
  /** Back to the seed; faults and the request log cleared. Keys stay. */
  reset(): void;
  /** Edit or delete a note the way a desk admin would, over HTTP in the desk's wire format (receipt tests). */
  readonly admin: DeskAdmin;
  /** Issue 12: the desks' signed webhooks (build, send, send again). */
  readonly webhooks: DeskWebhooks;
  /** Issue 12: adds a comment as the desk would and delivers its signed "comment created" webhook to `target`. */
  emitCommentWebhook: DeskWebhooks['emitCommentWebhook'];
}

export interface StartedDeskStandIns extends DeskStandIns {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

export async function createDeskStandIns(options: DeskStandInOptions = {}): Promise<DeskStandIns> {
  const keys = await createDeskKeys(options.keys);
  const state = new DeskState(options.seed ?? true);
  const faults = new DeskFaults();
  let baseUrl = options.baseUrl?.replace(/\/+$/, '');
  const ctx: DeskContext = { state, faults, baseUrl: () => baseUrl };

  const webhooks = createDeskWebhooks(state);
  const router = express.Router();
  router.use('/zendesk', createZendeskRouter(ctx, keys));
  router.use('/servicenow', createServiceNowRouter(ctx));
  router.use('/jira', createJiraRouter(ctx, keys));

  return {
    router,
    state,
    keys,
    mint: createDeskMint(keys, state, () => baseUrl),
    admin: createDeskAdmin(state, () => baseUrl),
    webhooks,
    emitCommentWebhook: webhooks.emitCommentWebhook,
    tenants(url) {
      const target = url ?? baseUrl;
      if (!target) throw new Error('tenants() needs a base URL before the stand-ins listen');
      return deskTenants(keys, target);
    },
    outage: (desk, ms, faultOptions) => faults.outage(desk, ms, faultOptions),
    dropResponses: (desk, n, faultOptions) => faults.dropResponses(desk, n, faultOptions),
    setBaseUrl(url) {
      baseUrl = url.replace(/\/+$/, '');
    },
    get baseUrl() {
      return baseUrl;
    },
    reset() {
      faults.reset();
      state.reset();
    },
  };
}

/** The stand-ins on their own HTTP server at 127.0.0.1 on a free port. */
export async function startDeskStandIns(options: DeskStandInOptions = {}): Promise<StartedDeskStandIns> {
  const standIns = await createDeskStandIns(options);
  const { url, close } = await serveOnLoopback(standIns.router, { tls: options.tls });
  if (!options.baseUrl) standIns.setBaseUrl(url);
  return Object.assign(standIns, { url, close });
}
