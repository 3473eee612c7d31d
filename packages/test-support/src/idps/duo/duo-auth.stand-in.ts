import express, { type Request, type Response, type Router } from 'express';
import { parseParams, verifySignature, type DuoParams } from './duo.signature';
import type { DuoState, DuoTransaction } from './duo.state';

/**
 * Duo Auth API v2 (check, ping, preauth, auth, auth_status) as Duo speaks it: form-encoded parameters (query for
 * GET, body for POST), every call but /ping signed (see duo.signature.ts), answers `{stat: 'OK', response}` or
 * `{stat: 'FAIL', code, message, message_detail?}`.
 */

export interface DuoAuthContext {
  state: DuoState;
  apiHost: () => string;
  /** Integration key → secret key. */
  secretFor: (ikey: string) => string | undefined;
  /** What preauth answers for a username Duo does not know (the application's new-user policy). */
  unknownUsers: () => 'enroll' | 'deny' | 'allow';
  /** How long auth_status holds a request open while nothing changes. */
  longPollMs: () => number;
}

const fail = (code: number, message: string, detail?: string): Record<string, unknown> => ({
  stat: 'FAIL',
  code,
  message,
  ...(detail ? { message_detail: detail } : {}),
});
const MISSING = (detail: string): Record<string, unknown> => fail(40001, 'Missing required request parameters', detail);
const INVALID = (detail: string): Record<string, unknown> => fail(40002, 'Invalid request parameters', detail);

function first(params: DuoParams, key: string): string | undefined {
  return params.get(key)?.[0];
}

function flat(params: DuoParams): Record<string, string> {
  return Object.fromEntries([...params].map(([k, v]) => [k, v.join(',')]));
}

interface Signed {
  params: DuoParams;
  ikey: string;
}

export function createDuoAuthRouter(ctx: DuoAuthContext): Router {
  const router = express.Router();
  router.use('/auth/v2', express.text({ type: 'application/x-www-form-urlencoded', limit: '64kb' }));

  const send = (req: Request, res: Response, params: DuoParams, status: number, body: Record<string, unknown>): void => {
    const code = body.stat === 'FAIL' ? (body.code as number) : undefined;
    ctx.state.record({ api: 'auth', method: req.method, path: req.path, params: flat(params), status, ...(code ? { error: code } : {}) });
    res.status(status).json(body);
  };

  /** Reads the parameters and checks the signature; answers 401 itself when it fails. */
  const signed = (req: Request, res: Response): Signed | undefined => {
    // The path as the client signed it: without the prefix this router is mounted under.
    const [path = '', query = ''] = req.originalUrl.slice(req.baseUrl.length).split('?');
    const params = parseParams(req.method === 'GET' || req.method === 'DELETE' ? query : typeof req.body === 'string' ? req.body : '');
    const verdict = verifySignature(
      { authorization: req.get('authorization'), date: req.get('date'), method: req.method, path, params },
      ctx.apiHost(),
      ctx.secretFor,
    );
    if (!verdict.ok) {
      send(req, res, params, 401, { ...verdict.error });
      return undefined;
    }
    return { params, ikey: verdict.ikey };
  };

  router.get('/auth/v2/ping', (req, res) =>
    send(req, res, new Map(), 200, { stat: 'OK', response: { time: Math.floor(Date.now() / 1000) } }),
  );

  router.get('/auth/v2/check', (req, res) => {
    const s = signed(req, res);
    if (s) send(req, res, s.params, 200, { stat: 'OK', response: { time: Math.floor(Date.now() / 1000) } });
  });

  router.post('/auth/v2/preauth', (req, res) => {
    const s = signed(req, res);
    if (!s) return;
    const username = first(s.params, 'username');
    if (!username) return send(req, res, s.params, 400, MISSING('username'));
    const user = ctx.state.user(username);
    if (first(s.params, 'client_supports_verified_push') === '1') ctx.state.verifiedPushClients.add(username.toLowerCase());
    else ctx.state.verifiedPushClients.delete(username.toLowerCase());
    const result = user?.preauth ?? ctx.unknownUsers();
    const response: Record<string, unknown> =
      result === 'auth'
        ? { result, status_msg: 'Account is active', devices: user?.devices ?? [] }
        : result === 'enroll'
          ? {
              result,
              status_msg: 'Enroll an authentication device to proceed',
              enroll_portal_url: `https://${ctx.apiHost()}/portal?code=stand-in`,
            }
          : result === 'allow'
            ? { result, status_msg: 'Allowing unknown user' }
            : { result, status_msg: 'Login request denied.' };
    send(req, res, s.params, 200, { stat: 'OK', response });
  });

  router.post('/auth/v2/auth', async (req, res) => {
    const s = signed(req, res);
    if (!s) return;
    const username = first(s.params, 'username');
    const factor = first(s.params, 'factor');
    if (!username) return send(req, res, s.params, 400, MISSING('username'));
    if (!factor) return send(req, res, s.params, 400, MISSING('factor'));
    if (factor !== 'push' && factor !== 'auto') return send(req, res, s.params, 400, INVALID('factor'));
    const user = ctx.state.user(username);
    if (!user || user.preauth === 'enroll') return send(req, res, s.params, 400, INVALID('username'));
    const device = first(s.params, 'device') ?? 'auto';
    if (user.preauth === 'auth' && device !== 'auto' && !user.devices.some((d) => d.device === device)) {
      return send(req, res, s.params, 400, INVALID('device'));
    }
    if (user.preauth === 'auth' && !user.devices.some((d) => d.capabilities.includes('push'))) {
      return send(req, res, s.params, 400, INVALID('device'));
    }
    const tx = ctx.state.createTransaction(user, {
      factor,
      device,
      pushinfo: Object.fromEntries(new URLSearchParams(first(s.params, 'pushinfo') ?? '')),
      type: first(s.params, 'type') ?? null,
    });
    if (user.preauth === 'allow') ctx.state.decide(tx.txid, 'bypass');
    if (user.preauth === 'deny') ctx.state.decide(tx.txid, 'deny');
    if (first(s.params, 'async') === '1') return send(req, res, s.params, 200, { stat: 'OK', response: { txid: tx.txid } });
    // Synchronous auth: Duo answers when the push is settled.
    if (tx.status.result === 'waiting') await ctx.state.waitForChange(tx.txid, 60_000);
    send(req, res, s.params, 200, { stat: 'OK', response: { ...tx.status } });
  });

  router.get('/auth/v2/auth_status', async (req, res) => {
    const s = signed(req, res);
    if (!s) return;
    const txid = first(s.params, 'txid');
    if (!txid) return send(req, res, s.params, 400, MISSING('txid'));
    const tx: DuoTransaction | undefined = ctx.state.transactions.get(txid);
    if (!tx) return send(req, res, s.params, 400, INVALID('txid'));
    // Long poll: the first read answers at once (status "pushed", with the Verified Push code if any); later reads
    // wait for the next change, up to longPollMs.
    tx.reads += 1;
    if (tx.reads > 1 && tx.status.result === 'waiting') await ctx.state.waitForChange(txid, ctx.longPollMs());
    send(req, res, s.params, 200, { stat: 'OK', response: { ...tx.status } });
  });

  router.use('/auth/v2', (req, res) => send(req, res, new Map(), 404, fail(40401, 'Resource not found')));
  return router;
}
