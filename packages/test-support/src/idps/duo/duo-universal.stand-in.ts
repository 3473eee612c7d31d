import { randomBytes, randomUUID } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import type { DuoState } from './duo.state';

/**
 * Duo Universal Prompt (OIDC-flavoured OAuth 2.0, as `@duosecurity/duo_universal` drives it):
 * - POST /oauth/v1/health_check {client_id, client_assertion}: the assertion is an HS512 JWT signed with the client
 *   secret, iss = sub = client_id, aud = https://<api host>/oauth/v1/health_check.
 * - GET /oauth/v1/authorize?response_type=code&client_id&request&redirect_uri&scope=openid: `request` is an HS512
 *   JWT (aud https://<api host>) carrying state, duo_uname, redirect_uri. The stand-in shows Approve / Deny buttons
 *   and redirects to redirect_uri?duo_code=…&state=….
 * - POST /oauth/v1/token (authorization_code + client_assertion, aud …/oauth/v1/token) → {id_token (HS512, iss
 *   https://<api host>/oauth/v1/token, aud client_id, preferred_username, auth_result, auth_context), access_token,
 *   expires_in, token_type: 'Bearer'}.
 */

export interface DuoUniversalContext {
  state: DuoState;
  apiHost: () => string;
  /** Client id → client secret. */
  clientSecretFor: (clientId: string) => string | undefined;
}

interface Pending {
  id: string;
  clientId: string;
  username: string;
  state: string;
  redirectUri: string;
  useDuoCode: boolean;
}

interface IssuedCode {
  clientId: string;
  username: string;
  redirectUri: string;
  decision: 'approve' | 'deny' | 'fraud';
  issuedAt: number;
  isUsed: boolean;
}

const CODE_LIFETIME_MS = 60_000;
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function formValue(req: Request, name: string): string | undefined {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function queryValue(req: Request, name: string): string | undefined {
  const value: unknown = req.query[name];
  return typeof value === 'string' ? value : undefined;
}

export function createDuoUniversalRouter(ctx: DuoUniversalContext): Router {
  const router = express.Router();
  router.use('/oauth/v1', express.urlencoded({ extended: false, limit: '64kb' }));
  const pendings = new Map<string, Pending>();
  const codes = new Map<string, IssuedCode>();
  const base = (): string => `https://${ctx.apiHost()}`;

  const record = (req: Request, status: number, params: Record<string, string>, error?: string): void => {
    ctx.state.record({ api: 'oauth', method: req.method, path: req.path, params, status, ...(error ? { error } : {}) });
  };

  const secretKey = (clientId: string): Uint8Array | undefined => {
    const secret = ctx.clientSecretFor(clientId);
    return secret === undefined ? undefined : new TextEncoder().encode(secret);
  };

  /** Verifies a client assertion for `audience`; returns the failure, or undefined when it is good. */
  const checkAssertion = async (
    clientId: string | undefined,
    assertion: string | undefined,
    audience: string,
  ): Promise<string | undefined> => {
    const key = clientId ? secretKey(clientId) : undefined;
    if (!clientId || !key || !assertion) return 'invalid_client';
    try {
      const { payload } = await jwtVerify(assertion, key, { algorithms: ['HS512'], audience, issuer: clientId, subject: clientId });
      if (typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return 'invalid_client';
      return undefined;
    } catch {
      return 'invalid_client';
    }
  };

  router.post('/oauth/v1/health_check', async (req, res) => {
    const clientId = formValue(req, 'client_id');
    const error = await checkAssertion(clientId, formValue(req, 'client_assertion'), `${base()}/oauth/v1/health_check`);
    record(req, error ? 400 : 200, { client_id: clientId ?? '' }, error);
    if (error) {
      res.status(400).json({
        stat: 'FAIL',
        code: 40002,
        timestamp: Math.floor(Date.now() / 1000),
        message: error,
        message_detail: 'The client assertion is not valid.',
      });
      return;
    }
    res.json({ stat: 'OK', response: { timestamp: Math.floor(Date.now() / 1000) } });
  });

  router.get('/oauth/v1/authorize', async (req, res) => {
    const clientId = queryValue(req, 'client_id');
    const redirectUri = queryValue(req, 'redirect_uri');
    const key = clientId ? secretKey(clientId) : undefined;
    const refuse = (why: string): void => {
      record(req, 400, { client_id: clientId ?? '' }, why);
      res
        .status(400)
        .type('html')
        .send(`<!doctype html><title>Duo</title><p>Invalid request: ${escapeHtml(why)}</p>`);
    };
    if (!clientId || !key || !redirectUri) return refuse('unknown client or missing redirect_uri');
    if (queryValue(req, 'response_type') !== 'code' || queryValue(req, 'scope') !== 'openid')
      return refuse('response_type must be code, scope openid');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(queryValue(req, 'request') ?? '', key, { algorithms: ['HS512'], audience: base(), issuer: clientId }));
    } catch {
      return refuse('the request object is not signed by this client');
    }
    const state = payload.state;
    const username = payload.duo_uname;
    if (payload.client_id !== clientId || payload.redirect_uri !== redirectUri) return refuse('request object does not match the query');
    if (typeof state !== 'string' || state.length < 22 || state.length > 1024) return refuse('state');
    if (typeof username !== 'string' || !username) return refuse('duo_uname');
    const pending: Pending = {
      id: randomUUID(),
      clientId,
      username: username.toLowerCase(),
      state,
      redirectUri,
      useDuoCode: payload.use_duo_code_attribute !== false,
    };
    pendings.set(pending.id, pending);
    record(req, 200, { client_id: clientId, duo_uname: username });
    res
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Duo Security (stand-in)</title></head><body>` +
          `<main><h1>Duo Universal Prompt (stand-in)</h1><p>Verify it's you, <strong>${escapeHtml(pending.username)}</strong>.</p>` +
          `<form method="post" action="decide"><input type="hidden" name="pending" value="${pending.id}">` +
          `<button name="decision" value="approve">Approve</button> <button name="decision" value="deny">Deny</button> ` +
          `<button name="decision" value="fraud">Deny and report fraud</button></form></main></body></html>`,
      );
  });

  router.post('/oauth/v1/decide', (req, res) => {
    const pending = pendings.get(formValue(req, 'pending') ?? '');
    const decision = formValue(req, 'decision');
    if (!pending || (decision !== 'approve' && decision !== 'deny' && decision !== 'fraud')) {
      record(req, 400, {}, 'unknown prompt');
      res.status(400).type('html').send('<!doctype html><title>Duo</title><p>This prompt has expired.</p>');
      return;
    }
    pendings.delete(pending.id);
    const code = randomBytes(24).toString('base64url');
    codes.set(code, {
      clientId: pending.clientId,
      username: pending.username,
      redirectUri: pending.redirectUri,
      decision,
      issuedAt: Date.now(),
      isUsed: false,
    });
    const target = new URL(pending.redirectUri);
    target.searchParams.set(pending.useDuoCode ? 'duo_code' : 'code', code);
    target.searchParams.set('state', pending.state);
    record(req, 302, { decision });
    res.redirect(302, target.toString());
  });

  router.post('/oauth/v1/token', async (req, res) => {
    const clientId = formValue(req, 'client_id');
    const tokenUrl = `${base()}/oauth/v1/token`;
    const reject = (error: string, description: string): void => {
      record(req, 400, { client_id: clientId ?? '' }, error);
      res.status(400).json({ error, error_description: description });
    };
    if (formValue(req, 'grant_type') !== 'authorization_code')
      return reject('unsupported_grant_type', 'grant_type must be authorization_code');
    if (formValue(req, 'client_assertion_type') !== CLIENT_ASSERTION_TYPE) return reject('invalid_client', 'client_assertion_type');
    if (await checkAssertion(clientId, formValue(req, 'client_assertion'), tokenUrl))
      return reject('invalid_client', 'The client assertion is not valid.');
    const code = codes.get(formValue(req, 'code') ?? '');
    if (!code || code.isUsed || Date.now() - code.issuedAt > CODE_LIFETIME_MS || code.clientId !== clientId) {
      return reject('invalid_grant', 'The authorization code is invalid or expired.');
    }
    if (formValue(req, 'redirect_uri') !== code.redirectUri) return reject('invalid_grant', 'redirect_uri does not match.');
    code.isUsed = true;
    const user = ctx.state.user(code.username);
    const isAllowed = code.decision === 'approve' && user?.preauth === 'auth';
    const authResult = isAllowed
      ? { result: 'allow', status: 'allow', status_msg: 'Login Successful' }
      : code.decision === 'fraud'
        ? { result: 'deny', status: 'fraud', status_msg: 'Login request reported as fraudulent.' }
        : { result: 'deny', status: 'deny', status_msg: 'Login request denied.' };
    const now = Math.floor(Date.now() / 1000);
    const txid = randomUUID();
    const idToken = await new SignJWT({
      preferred_username: code.username,
      auth_time: Math.floor(code.issuedAt / 1000),
      auth_result: authResult,
      auth_context: {
        txid,
        timestamp: now,
        user: { name: code.username, key: user?.userId ?? null, groups: [] },
        application: { name: 'Vouchsafe (stand-in)', key: clientId },
        auth_device: { ip: null, location: { city: '', state: '', country: '' }, name: null },
        access_device: { ip: '127.0.0.1', location: { city: '', state: '', country: '' }, hostname: null, epkey: null },
        factor: 'duo_push',
        event_type: 'authentication',
        result: isAllowed ? 'success' : code.decision === 'fraud' ? 'fraud' : 'denied',
        reason: isAllowed ? 'user_approved' : code.decision === 'fraud' ? 'user_marked_fraud' : 'user_cancelled',
        alias: '',
        isotimestamp: new Date(now * 1000).toISOString(),
        email: code.username.includes('@') ? code.username : null,
        ood_software: null,
      },
    })
      .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
      .setIssuer(tokenUrl)
      .setAudience(clientId ?? '')
      .setSubject(code.username)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(secretKey(clientId ?? '') ?? new Uint8Array());
    record(req, 200, { client_id: clientId ?? '' });
    res
      .set('Cache-Control', 'no-store')
      .json({ id_token: idToken, access_token: randomBytes(24).toString('base64url'), expires_in: 3600, token_type: 'Bearer' });
  });

  return router;
}

/** Rewrites a Universal Prompt URL for https://<api host> to the stand-in (for a browser or fetch in tests). */
export function duoPromptUrlAt(link: string, standInUrl: string): string {
  const source = new URL(link);
  const target = new URL(standInUrl);
  const prefix = target.pathname.replace(/\/+$/, '');
  return `${target.origin}${prefix}${source.pathname}${source.search}`;
}
