import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import { decodeJwt, jwtVerify } from 'jose';

/** An API service app in the org: private-key JWT client authentication (`private_key_jwt`), granted scopes. */
export interface OktaServiceApp {
  clientId: string;
  publicKey: KeyObject;
  scopes: string[];
}

/** A generated service app, with what Vouchsafe's IdP config needs to use it. */
export interface OktaServiceAppCredentials {
  clientId: string;
  /** PKCS#8 PEM, as the Okta admin console downloads it. */
  privateKeyPem: string;
  keyId: string;
  scopes: string[];
}

export interface OktaAccessToken {
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Service apps and the access tokens the org's token endpoint issued to them. */
export class OktaOAuth {
  readonly apps = new Map<string, OktaServiceApp>();
  readonly tokens = new Map<string, OktaAccessToken>();
  private readonly usedJtis = new Set<string>();

  register(app: OktaServiceApp): void {
    this.apps.set(app.clientId, app);
  }

  /** A new RSA key pair and service app (client id `0oa…`), registered; the private key goes to the test. */
  create(options: { scopes?: string[]; clientId?: string } = {}): OktaServiceAppCredentials {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const clientId = options.clientId ?? `0oa${randomBytes(9).toString('base64url').slice(0, 17)}`;
    const scopes = options.scopes ?? ['okta.users.read', 'okta.users.manage'];
    this.register({ clientId, publicKey, scopes });
    return { clientId, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), keyId: `kid-${clientId}`, scopes };
  }

  /** The access token of an `Authorization: Bearer …` header, if this org issued it and it has not expired. */
  lookup(token: string): OktaAccessToken | undefined {
    const found = this.tokens.get(token);
    return found && found.expiresAt > Date.now() ? found : undefined;
  }

  reset(): void {
    this.tokens.clear();
    this.usedJtis.clear();
  }

  /**
   * `POST /oauth2/v1/token` for the client credentials grant with a signed client assertion, as the org
   * authorization server answers it: the assertion must be signed by the app's registered key, `iss` = `sub` =
   * client id, `aud` = this token endpoint's URL, unexpired, and its `jti` not seen before.
   */
  router(tokenUrl: (req: Request) => string): Router {
    const router = express.Router();
    router.post('/oauth2/v1/token', express.urlencoded({ extended: false }), async (req, res) => {
      const body = (req.body ?? {}) as Record<string, string | undefined>;
      const fail = (status: number, error: string, description: string) => {
        res.status(status).set('Cache-Control', 'no-store').json({ error, error_description: description });
      };
      if (body.grant_type !== 'client_credentials')
        return fail(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
      if (body.client_assertion_type !== ASSERTION_TYPE || !body.client_assertion) {
        return fail(401, 'invalid_client', 'Client authentication failed: a client_assertion of type jwt-bearer is required.');
      }
      let clientId: string | undefined;
      try {
        clientId = decodeJwt(body.client_assertion).iss;
      } catch {
        return fail(401, 'invalid_client', 'The client_assertion is not a JWT.');
      }
      const app = clientId ? this.apps.get(clientId) : undefined;
      if (!app) return fail(401, 'invalid_client', 'The client_assertion token is invalid: unknown client.');
      let jti: string | undefined;
      try {
        const { payload } = await jwtVerify(body.client_assertion, app.publicKey, {
          issuer: app.clientId,
          subject: app.clientId,
          audience: tokenUrl(req),
          algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'],
          requiredClaims: ['exp', 'iat'],
        });
        jti = payload.jti;
      } catch (error) {
        return fail(401, 'invalid_client', `The client_assertion token is invalid: ${(error as Error).message}`);
      }
      if (jti) {
        if (this.usedJtis.has(jti)) return fail(401, 'invalid_client', 'The client_assertion token has already been used.');
        this.usedJtis.add(jti);
      }
      const requested = (body.scope ?? '').split(' ').filter(Boolean);
      if (requested.length === 0 || requested.some((s) => !app.scopes.includes(s))) {
        return fail(400, 'invalid_scope', 'One or more scopes are not configured for the authorization server resource.');
      }
      const accessToken = randomBytes(32).toString('base64url');
      this.tokens.set(accessToken, { clientId: app.clientId, scopes: requested, expiresAt: Date.now() + 3_600_000 });
      res
        .set('Cache-Control', 'no-store')
        .json({ token_type: 'Bearer', expires_in: 3600, access_token: accessToken, scope: requested.join(' ') });
    });
    return router;
  }
}
