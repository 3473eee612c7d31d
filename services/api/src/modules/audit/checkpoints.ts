import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import type { AuditPublicKey, AuditSigningKey } from './checkpoints-keys';
import { canonicalJson } from './canonical';

/**
 * A checkpoint: a compact JWS (RFC 7515) over a tenant's chain head, signed with the audit key (Ed25519, `alg` EdDSA)
 * outside the database. Payload = canonical JSON (canonical.ts) of {tenantId, chainIndex (decimal string), hash
 * (lowercase hex), signedAt (ISO 8601, ms, Z)}; protected header {alg, kid, typ}. docs/AUDIT-FORMAT.md is the spec.
 */
export const CHECKPOINT_TYP = 'vouchsafe-audit-checkpoint+jws';

export interface CheckpointPayload {
  tenantId: string;
  chainIndex: string;
  hash: string;
  signedAt: string;
}

export interface SignedCheckpoint extends CheckpointPayload {
  kid: string;
  jws: string;
}

export async function signCheckpoint(key: AuditSigningKey, payload: CheckpointPayload): Promise<SignedCheckpoint> {
  const body = canonicalJson({ ...payload });
  const jws = await new CompactSign(new TextEncoder().encode(body))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: CHECKPOINT_TYP })
    .sign(key.privateKey);
  return { ...payload, kid: key.kid, jws };
}

export type CheckpointProblem = 'unknown_kid' | 'bad_signature' | 'malformed';

export type CheckpointCheck = { ok: true; checkpoint: SignedCheckpoint } | { ok: false; problem: CheckpointProblem; kid?: string };

const HEX64 = /^[0-9a-f]{64}$/;
const INDEX = /^[1-9][0-9]{0,18}$/;

/** Verifies a compact JWS with the trusted keys; only a checkpoint whose signature verifies is ever believed. */
export async function verifyCheckpoint(jws: string, keys: ReadonlyMap<string, AuditPublicKey>): Promise<CheckpointCheck> {
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(jws);
    kid = typeof header.kid === 'string' ? header.kid : undefined;
    if (header.alg !== 'EdDSA' || header.typ !== CHECKPOINT_TYP || kid === undefined) return { ok: false, problem: 'malformed' };
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  const key = keys.get(kid);
  if (!key) return { ok: false, problem: 'unknown_kid', kid };
  let body: string;
  try {
    const verified = await compactVerify(jws, key.key, { algorithms: ['EdDSA'] });
    body = new TextDecoder().decode(verified.payload);
  } catch {
    return { ok: false, problem: 'bad_signature', kid };
  }
  try {
    const p = JSON.parse(body) as Record<string, unknown>;
    const { tenantId, chainIndex, hash, signedAt } = p;
    if (
      typeof tenantId !== 'string' ||
      typeof chainIndex !== 'string' ||
      !INDEX.test(chainIndex) ||
      typeof hash !== 'string' ||
      !HEX64.test(hash) ||
      typeof signedAt !== 'string'
    ) {
      return { ok: false, problem: 'malformed', kid };
    }
    return { ok: true, checkpoint: { tenantId, chainIndex, hash, signedAt, kid, jws } };
  } catch {
    return { ok: false, problem: 'malformed', kid };
  }
}
