import { SignJWT, decodeProtectedHeader, jwtVerify } from 'jose';
import { z } from 'zod';
import { DeskSchema } from '@vouchsafe/contracts';
import type { KeyEntry } from '../../config';
import { Keyring } from '../keys/keyring';
import { rejectionFromJose } from './jose-errors';
import { SessionRejection } from './session-rejection';
import type { SidebarSession } from './session.types';

/**
 * Vouchsafe sidebar sessions: a compact HS256 JWS under a session key named by `kid`: one of
 * VOUCHSAFE_SESSION_KEYS when set, else derived (HKDF) from each environment KEK (the development
 * default, and what every deployment used before; an HSM key cannot be derived from). Minted with
 * the active key, verified with whichever key the kid names, so a key rotation does not end running sessions. Claims bind tenant + desk + ticket + agent; `chn`
 * is the end of the chain (first host token's iat + chain max) that renewals never pass.
 */

const ISSUER = 'vouchsafe';
const AUDIENCE = 'vouchsafe:sidebar';
const TYP = 'vouchsafe-session+jwt';
const HKDF_INFO = 'vouchsafe:sidebar-session:v1';
const CLOCK_TOLERANCE_SECONDS = 5;

const ClaimsSchema = z.object({
  ten: z.string().uuid(),
  dsk: DeskSchema,
  tkt: z.string().min(1).max(200),
  tdi: z.string().max(200),
  agt: z.string().min(1).max(200),
  agl: z.string().max(200),
  tn: z.string().max(200),
  rq: z.string().max(300),
  chn: z.number().int(),
  exp: z.number(),
});

export interface SessionClaims extends Omit<SidebarSession, 'expiresAt'> {
  tenantName: string;
  requesterLabel: string;
  /** Seconds since the epoch: no renewal may go past this. */
  chainExpiresAt: number;
}

export interface VerifiedSession extends SidebarSession {
  tenantName: string;
  requesterLabel: string;
  chainExpiresAt: number;
}

/** The keys sessions are signed with: the active one and every one still accepted, by kid. */
export interface SessionSigningKeys {
  activeKid: string;
  keys: ReadonlyMap<string, Uint8Array>;
}

/**
 * VOUCHSAFE_SESSION_KEYS (first active) when configured; otherwise HKDF subkeys of the environment KEKs, the active
 * KEK's first (an HSM-backed keyring still holding environment keys uses the first of those).
 */
export function sessionSigningKeys(configured: readonly KeyEntry[] | undefined, keyring: Keyring): SessionSigningKeys {
  if (configured && configured.length > 0) {
    return { activeKid: configured[0]!.kid, keys: new Map(configured.map((e) => [e.kid, new Uint8Array(e.key)])) };
  }
  const derived = keyring.deriveSubkeys(HKDF_INFO);
  const activeKid = derived.has(keyring.activeKid) ? keyring.activeKid : [...derived.keys()][0];
  if (activeKid === undefined) {
    throw new Error('Sidebar sessions need a signing key: set VOUCHSAFE_SESSION_KEYS (no environment KEK to derive one from).');
  }
  return { activeKid, keys: derived };
}

export function createSessionTokens(source: Keyring | SessionSigningKeys, opts: { ttlSeconds: number; now?: () => number }) {
  const { activeKid, keys } = source instanceof Keyring ? sessionSigningKeys(undefined, source) : source;
  const now = () => opts.now?.() ?? Math.floor(Date.now() / 1000);

  /** Mints a session that ends at the TTL or the chain end, whichever comes first. */
  async function mint(c: SessionClaims): Promise<{ token: string; expiresAt: Date }> {
    const iat = now();
    const exp = Math.min(iat + opts.ttlSeconds, c.chainExpiresAt);
    if (exp <= iat) throw new SessionRejection('chain_expired');
    const token = await new SignJWT({
      ten: c.tenantId,
      dsk: c.desk,
      tkt: c.ticketId,
      tdi: c.ticketDisplayId,
      agt: c.agentId,
      agl: c.agentLabel,
      tn: c.tenantName,
      rq: c.requesterLabel,
      chn: c.chainExpiresAt,
    })
      .setProtectedHeader({ alg: 'HS256', kid: activeKid, typ: TYP })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(c.agentId)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(keys.get(activeKid)!);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  async function verify(token: string): Promise<VerifiedSession> {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new SessionRejection('malformed');
    }
    const key = typeof kid === 'string' ? keys.get(kid) : undefined;
    if (!key) throw new SessionRejection('bad_signature', 'unknown kid');
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        typ: TYP,
        requiredClaims: ['exp', 'iat', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(now() * 1000),
      }));
    } catch (err) {
      throw rejectionFromJose(err);
    }
    const parsed = ClaimsSchema.safeParse(payload);
    if (!parsed.success) throw new SessionRejection('malformed', 'session claims');
    const c = parsed.data;
    if (now() >= c.chn) throw new SessionRejection('chain_expired');
    return {
      tenantId: c.ten,
      desk: c.dsk,
      ticketId: c.tkt,
      ticketDisplayId: c.tdi,
      agentId: c.agt,
      agentLabel: c.agl,
      tenantName: c.tn,
      requesterLabel: c.rq,
      chainExpiresAt: c.chn,
      expiresAt: new Date(c.exp * 1000),
    };
  }

  return { mint, verify };
}

export type SessionTokens = ReturnType<typeof createSessionTokens>;
