import { createHash } from 'node:crypto';
import {
  LIMITS,
  type CreateSecretInput,
  type CreateSecretResponse,
  type RecipientVerifyMethod,
  type RevealRequest,
  type RevealResponse,
  type SecretMetadata,
} from '@vouchsafe/contracts';
import { sizeLimitMessage } from './create-body';
import type { Db } from '../../db/database';
import { isRefusedBy, SQLSTATE } from '../../db/sql';
import { AppError, secretGone, secretWithdrawn } from '../../errors';
import { maskIdentifiers } from '../../lib/mask';
import { newRevokeToken, newSecretId, sha256 } from '../../lib/ids';
import type { Metrics } from '../../metrics';
import type { Keyring } from '../keys/keyring';
import { secretPathFor } from '../tenants/link-base';
import { grantHashOf } from './reveal-grant';
import { consumeView, diagnoseReveal, recordFailure, recordGoneAttempt, type RevealInput } from './reveal.repository';
import * as repo from './secrets.repository';

export interface SecretsDeps {
  db: Db;
  keyring: Keyring;
  maxFileBytes: number;
  metrics: Pick<Metrics, 'secretsCreated' | 'secretsRevealed'>;
  /** Called after a statement that queued a ticket note has committed (delivers it right away). */
  onNoteQueued?: () => void;
  /** The tenant's link-based methods a recipient may verify with (verified-requester-only secrets). */
  recipientMethods?: (tenantId: string) => Promise<RecipientVerifyMethod[]>;
}

export interface RequestContext {
  tenantId: string;
  /** The help-desk tenant's slug when the request came through `/api/v1/t/{slug}` (links then carry it); undefined for the default tenant. */
  tenantSlug?: string;
  /** Client network (IPv4 address or IPv6 /64, lib/client-ip): hashed for guess throttling only, never stored. */
  clientNetwork: string;
  /** Truncated address for the audit row. */
  clientIp: string | null;
}

const fromB64u = (s: string) => Buffer.from(s, 'base64url');

function maxCiphertextBytes(kind: 'text' | 'file', maxFileBytes: number): number {
  return (kind === 'text' ? LIMITS.textBytes : maxFileBytes) + LIMITS.envelopeOverheadBytes;
}

/**
 * Checks a create request against the size limits and seals it (S3). Shared by the vault and the
 * ticket sidebar so both enforce exactly the same limits.
 */
export function prepareSecret(
  deps: Pick<SecretsDeps, 'keyring' | 'maxFileBytes'>,
  ctx: RequestContext,
  req: CreateSecretInput,
): { secret: repo.NewSecret; revokeToken: string } {
  const ciphertext = fromB64u(req.ciphertext);
  const limit = maxCiphertextBytes(req.kind, deps.maxFileBytes);
  if (ciphertext.length > limit) {
    throw new AppError('payload_too_large', sizeLimitMessage(req.kind, deps.maxFileBytes));
  }
  if (ciphertext.length < 1 + 12 + 16) {
    throw new AppError('validation_failed', 'ciphertext is too short to be a Vouchsafe envelope', {
      issues: [{ path: 'ciphertext', message: 'is too short to be a Vouchsafe envelope' }],
    });
  }
  const id = newSecretId();
  const revokeToken = newRevokeToken();
  const secret: repo.NewSecret = {
    tenantId: ctx.tenantId,
    id,
    kind: req.kind,
    expiresAt: new Date(Date.now() + req.ttlSeconds * 1000),
    views: req.views,
    sizeBytes: ciphertext.length,
    labelMasked: req.label ? maskIdentifiers(req.label) : null,
    keyCheckHash: sha256(fromB64u(req.keyCheck)),
    passphraseSalt: req.passphraseSalt ? fromB64u(req.passphraseSalt) : null,
    passphraseCheckHash: req.passphraseCheck ? sha256(fromB64u(req.passphraseCheck)) : null,
    revokeTokenHash: sha256(revokeToken),
    payload: deps.keyring.seal(ciphertext, { tenantId: ctx.tenantId, secretId: id }),
    clientIp: ctx.clientIp,
  };
  return { secret, revokeToken };
}

export function createSecretsService(deps: SecretsDeps) {
  const { db, keyring } = deps;
  const onNoteQueued = deps.onNoteQueued ?? (() => undefined);

  async function create(ctx: RequestContext, req: CreateSecretInput): Promise<CreateSecretResponse> {
    const { secret, revokeToken } = prepareSecret(deps, ctx, req);
    await repo.insertSecret(db, secret);
    deps.metrics.secretsCreated.inc();
    const { id, expiresAt } = secret;
    return { id, expiresAt: expiresAt.toISOString(), views: req.views, path: secretPathFor(ctx.tenantSlug, id), revokeToken };
  }

  async function getMetadata(ctx: RequestContext, id: string): Promise<SecretMetadata> {
    const meta = await repo.findAvailable(db, ctx.tenantId, id);
    if (!meta) throw await goneOrWithdrawn(ctx.tenantId, id);
    const verifyMethods = meta.requiresVerification ? ((await deps.recipientMethods?.(ctx.tenantId)) ?? []) : [];
    return {
      id,
      status: 'available',
      kind: meta.kind,
      expiresAt: meta.expiresAt.toISOString(),
      viewsLeft: meta.viewsLeft,
      needsPassphrase: meta.passphraseSalt !== null,
      ...(meta.passphraseSalt ? { passphraseSalt: meta.passphraseSalt.toString('base64url') } : {}),
      needsVerification: meta.requiresVerification,
      verifyMethods,
    };
  }

  /** Issue 12: a secret withdrawn with its ticket says so (and why); anything else gone answers the one gone body. */
  async function goneOrWithdrawn(tenantId: string, id: string): Promise<AppError> {
    const reason = await repo.findWithdrawnReason(db, tenantId, id);
    return reason ? secretWithdrawn(reason) : secretGone();
  }

  function clientKey(ctx: RequestContext, id: string): Buffer {
    return createHash('sha256').update(`vouchsafe:reveal-client:${ctx.tenantId}:${id}:${ctx.clientNetwork}`).digest();
  }

  async function reveal(ctx: RequestContext, id: string, req: RevealRequest): Promise<RevealResponse> {
    const input: RevealInput = {
      tenantId: ctx.tenantId,
      id,
      keyCheckHash: sha256(fromB64u(req.keyCheck)),
      passphraseCheckHash: req.passphraseCheck ? sha256(fromB64u(req.passphraseCheck)) : null,
      grantHash: req.grant ? grantHashOf(req.grant) : null,
      clientKey: clientKey(ctx, id),
      clientIp: ctx.clientIp,
    };
    const revealed = await consumeView(db, input);
    if (revealed) {
      deps.metrics.secretsRevealed.inc();
      if (revealed.isNoted) onNoteQueued();
      // The view is already consumed; a payload that fails to open is a server fault (wrong
      // keyring or tampered row) and must fail closed, never hand out unauthenticated bytes.
      const clientCiphertext = keyring.open(revealed.payload, { tenantId: ctx.tenantId, secretId: id });
      return { id, kind: revealed.kind, ciphertext: clientCiphertext.toString('base64url'), viewsLeft: revealed.viewsLeft };
    }
    return explainRefusal(input);
  }

  async function explainRefusal(input: RevealInput): Promise<never> {
    const why = await diagnoseReveal(db, input);
    if (!why) throw secretGone();
    if (!why.isAvailable) {
      await recordGoneAttempt(db, input);
      throw await goneOrWithdrawn(input.tenantId, input.id);
    }
    if (why.retryAfterSeconds !== null) {
      throw new AppError('too_many_attempts', `Too many wrong attempts for this secret. Try again in ${why.retryAfterSeconds} seconds.`, {
        retryAfterSeconds: why.retryAfterSeconds,
      });
    }
    if (!why.isKeyOk) {
      await recordFailureOrGone(input, 'wrong_link_key');
      throw new AppError(
        'wrong_link_key',
        'This link is not complete or not correct: its key does not match the secret. Nothing was revealed.',
      );
    }
    if (why.needsVerification && !why.isGrantOk) {
      throw new AppError(
        'verification_required',
        !input.grantHash
          ? "Only the ticket's requester may open this secret. Verify who you are first; nothing was revealed."
          : 'Your verification for this secret has expired or was already used. Verify again; nothing was revealed.',
      );
    }
    if (why.needsPassphrase && input.passphraseCheckHash === null) {
      throw new AppError('passphrase_required', 'This secret is protected by a passphrase. Enter it to reveal the secret.');
    }
    if (!why.isPassphraseOk) {
      await recordFailureOrGone(input, 'wrong_passphrase');
      throw new AppError('wrong_passphrase', 'The passphrase is not correct. Nothing was revealed; you can try again.');
    }
    // Everything matched, yet nothing was consumed: another request took the last view first.
    throw secretGone();
  }

  async function recordFailureOrGone(input: RevealInput, outcome: 'wrong_link_key' | 'wrong_passphrase') {
    try {
      await recordFailure(db, input, outcome);
    } catch (err) {
      // The secret was purged between the diagnosis and this write (foreign key gone).
      if (isRefusedBy(err, SQLSTATE.foreignKeyViolation)) throw secretGone();
      throw err;
    }
  }

  /**
   * Proof that the caller holds the link, for steps that consume nothing but cost something (a
   * recipient's sign-in start writes notes and asks the IdP): the same key check as a reveal, throttled
   * and audited like a wrong reveal guess. Unknown and gone secrets answer like gone ones.
   */
  async function checkLinkKey(ctx: RequestContext, id: string, keyCheck: string): Promise<void> {
    const input: RevealInput = {
      tenantId: ctx.tenantId,
      id,
      keyCheckHash: sha256(fromB64u(keyCheck)),
      passphraseCheckHash: null,
      grantHash: null,
      clientKey: clientKey(ctx, id),
      clientIp: ctx.clientIp,
    };
    const why = await diagnoseReveal(db, input);
    if (!why?.isAvailable) throw secretGone();
    if (why.retryAfterSeconds !== null) {
      throw new AppError('too_many_attempts', `Too many wrong attempts for this secret. Try again in ${why.retryAfterSeconds} seconds.`, {
        retryAfterSeconds: why.retryAfterSeconds,
      });
    }
    if (!why.isKeyOk) {
      await recordFailureOrGone(input, 'wrong_link_key');
      throw new AppError(
        'wrong_link_key',
        'This link is not complete or not correct: its key does not match the secret. Nothing was started.',
      );
    }
  }

  async function revoke(ctx: RequestContext, id: string, revokeToken: string): Promise<void> {
    const revoked = await repo.revoke(db, { tenantId: ctx.tenantId, id, revokeTokenHash: sha256(revokeToken), clientIp: ctx.clientIp });
    // A wrong token and an unknown id look the same from outside.
    if (!revoked) throw secretGone();
    if (revoked.isNoted) onNoteQueued();
  }

  return { create, getMetadata, reveal, revoke, checkLinkKey };
}

export type SecretsService = ReturnType<typeof createSecretsService>;
