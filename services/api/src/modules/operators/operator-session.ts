import { randomBytes } from 'node:crypto';
import { EncryptJWT, decodeProtectedHeader, jwtDecrypt } from 'jose';
import { z } from 'zod';
import { OperatorRoleSchema, type OperatorRole } from '@vouchsafe/contracts';
import type { Keyring } from '../keys/keyring';

/**
 * Operator cookies (NOTES.md): compact JWE (`dir`, A256GCM) under keys derived (HKDF) from each keyring KEK, named by
 * `kid` like the sidebar's session tokens, so the browser can neither read nor forge them and a key rotation does not
 * end sessions. Two kinds with their own keys and `typ`, so one can never pass for the other:
 * - the sign-in in progress (state, nonce, PKCE verifier, where to return), 10 minutes;
 * - the session: subject, label, roles, CSRF token; ends after IDLE_SECONDS unused or ABSOLUTE_SECONDS after sign-in.
 * Never logs; a bad token is `undefined`.
 */

export const IDLE_SECONDS = 30 * 60;
export const ABSOLUTE_SECONDS = 8 * 3600;
/** A session used again at least this long after its token was made gets a fresh token (sliding idle expiry). */
export const REFRESH_AFTER_SECONDS = 60;
export const SIGN_IN_SECONDS = 10 * 60;

const ISSUER = 'vouchsafe';
const SESSION = { info: 'vouchsafe:operator-session:v1', typ: 'vouchsafe-operator-session+jwt', aud: 'vouchsafe:operator' } as const;
const SIGN_IN = {
  info: 'vouchsafe:operator-sign-in:v1',
  typ: 'vouchsafe-operator-sign-in+jwt',
  aud: 'vouchsafe:operator-sign-in',
} as const;
const CLOCK_TOLERANCE_SECONDS = 5;

export interface OperatorSession {
  /** The IdP's `sub` (bounded, printable): what the actor names. */
  subject: string;
  label: string;
  roles: OperatorRole[];
  csrfToken: string;
  /** Epoch seconds. */
  signedInAt: number;
  issuedAt: number;
  idleExpiresAt: number;
  expiresAt: number;
}

export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

const SessionClaims = z.object({
  sub: z.string().min(1).max(300),
  lbl: z.string().max(300),
  rol: z.array(OperatorRoleSchema),
  csrf: z.string().min(20).max(100),
  ast: z.number().int(),
  iat: z.number().int(),
  exp: z.number().int(),
  sxp: z.number().int(),
});

const SignInClaims = z.object({
  st: z.string().min(20).max(200),
  nn: z.string().min(20).max(200),
  cv: z.string().min(43).max(128),
  rt: z.string().max(200),
});

export const randomToken = (bytes = 24): string => randomBytes(bytes).toString('base64url');

export function createOperatorTokens(keyring: Keyring, opts: { now?: () => number } = {}) {
  const sessionKeys = keyring.deriveSubkeys(SESSION.info);
  const signInKeys = keyring.deriveSubkeys(SIGN_IN.info);
  const activeKid = keyring.activeKid;
  const now = () => opts.now?.() ?? Math.floor(Date.now() / 1000);

  async function seal(kind: typeof SESSION | typeof SIGN_IN, keys: Map<string, Uint8Array>, claims: Record<string, unknown>, exp: number) {
    return new EncryptJWT(claims)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: activeKid, typ: kind.typ })
      .setIssuer(ISSUER)
      .setAudience(kind.aud)
      .setIssuedAt(now())
      .setExpirationTime(exp)
      .encrypt(keys.get(activeKid)!);
  }

  async function open(kind: typeof SESSION | typeof SIGN_IN, keys: Map<string, Uint8Array>, token: string): Promise<unknown> {
    try {
      const { kid } = decodeProtectedHeader(token);
      const key = typeof kid === 'string' ? keys.get(kid) : undefined;
      if (!key) return undefined;
      const { payload } = await jwtDecrypt(token, key, {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
        issuer: ISSUER,
        audience: kind.aud,
        typ: kind.typ,
        requiredClaims: ['exp', 'iat'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(now() * 1000),
      });
      return payload;
    } catch {
      return undefined;
    }
  }

  return {
    /** A new session (at sign-in), or the same session with a fresh idle expiry (`previous`). */
    async mintSession(s: { subject: string; label: string; roles: OperatorRole[]; csrfToken?: string; signedInAt?: number }) {
      const issuedAt = now();
      const signedInAt = s.signedInAt ?? issuedAt;
      const expiresAt = signedInAt + ABSOLUTE_SECONDS;
      const idleExpiresAt = Math.min(issuedAt + IDLE_SECONDS, expiresAt);
      const session: OperatorSession = {
        subject: s.subject,
        label: s.label,
        roles: s.roles,
        csrfToken: s.csrfToken ?? randomToken(32),
        signedInAt,
        issuedAt,
        idleExpiresAt,
        expiresAt,
      };
      const token = await seal(
        SESSION,
        sessionKeys,
        { sub: session.subject, lbl: session.label, rol: session.roles, csrf: session.csrfToken, ast: signedInAt, sxp: expiresAt },
        idleExpiresAt,
      );
      return { token, session };
    },

    async openSession(token: string): Promise<OperatorSession | undefined> {
      const parsed = SessionClaims.safeParse(await open(SESSION, sessionKeys, token));
      if (!parsed.success) return undefined;
      const c = parsed.data;
      // The absolute end is fixed at sign-in (`sxp` = `ast` + ABSOLUTE_SECONDS), whatever refreshes happened since.
      if (c.sxp !== c.ast + ABSOLUTE_SECONDS || now() >= c.sxp) return undefined;
      return {
        subject: c.sub,
        label: c.lbl,
        roles: c.rol,
        csrfToken: c.csrf,
        signedInAt: c.ast,
        issuedAt: c.iat,
        idleExpiresAt: c.exp,
        expiresAt: c.sxp,
      };
    },

    shouldRefresh: (session: OperatorSession): boolean =>
      now() - session.issuedAt >= REFRESH_AFTER_SECONDS && session.idleExpiresAt < session.expiresAt,

    async sealSignIn(pending: PendingSignIn): Promise<string> {
      return seal(
        SIGN_IN,
        signInKeys,
        { st: pending.state, nn: pending.nonce, cv: pending.codeVerifier, rt: pending.returnTo },
        now() + SIGN_IN_SECONDS,
      );
    },

    async openSignIn(token: string): Promise<PendingSignIn | undefined> {
      const parsed = SignInClaims.safeParse(await open(SIGN_IN, signInKeys, token));
      if (!parsed.success) return undefined;
      return { state: parsed.data.st, nonce: parsed.data.nn, codeVerifier: parsed.data.cv, returnTo: parsed.data.rt };
    },
  };
}

export type OperatorTokens = ReturnType<typeof createOperatorTokens>;
