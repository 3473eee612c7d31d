import { randomBytes } from 'node:crypto';
import { sha256 } from '../../lib/ids';

/** A reveal grant lives this long: enough to come back from the IdP and press Reveal, no more. */
export const REVEAL_GRANT_TTL_SECONDS = 10 * 60;

/** 256 bits from the CSPRNG, handed out once (base64url); only its SHA-256 is stored. */
export function newRevealGrant(): { grant: string; hash: Buffer } {
  const bytes = randomBytes(32);
  return { grant: bytes.toString('base64url'), hash: sha256(bytes) };
}

export const grantHashOf = (grant: string): Buffer => sha256(Buffer.from(grant, 'base64url'));
