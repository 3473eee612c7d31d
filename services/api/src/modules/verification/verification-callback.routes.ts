import { Router, type RequestHandler, type Response } from 'express';
import { DEFAULT_TENANT_ID } from '@vouchsafe/contracts';
import { sendPage, type PageTone } from '../../http/page';
import { ProviderError, type ProviderOutcome } from '../../providers/provider.types';
import { IDP_DESCRIPTORS, IDP_KINDS, IDP_OF_METHOD } from '../../providers/registry';
import { findActiveById } from '../tenants/tenants.repository';
import type { OnRecipientVerified } from './recipient-hook';
import { providerFailureReason } from './start-verification';
import type { VerificationDeps } from './verification.deps';
import * as repo from './verification.repository';
import { claimForCallback } from './verification-polls.repository';
import { recordProviderOutcome } from './verification.service';

/**
 * `GET /verify/callback/:kind` (public): where the IdP sends the browser back after a link-based
 * verification (OIDC authorization code, Duo Universal Prompt `duo_code`). The full `state` (only it) finds the
 * verification; the provider checks everything else (state match, nonce, claims, subject) and its
 * answer is recorded in one statement. The page is tiny, static and script-free.
 */

export interface CallbackRoutesDeps {
  verification: Pick<VerificationDeps, 'db' | 'metrics' | 'onNoteQueued' | 'providersFor' | 'loadPolicy' | 'logger'>;
  /** The per-network limit of this public route, shared by every process (modules/rate-limits). */
  limit: RequestHandler;
  /** modules/secrets: a verified recipient gets a one-time reveal grant; undefined until wired. */
  onRecipientVerified?: OnRecipientVerified;
}

/** IdP kinds whose link methods come back here. */
const KINDS = new Set<string>(IDP_KINDS.filter((kind) => IDP_DESCRIPTORS[kind].hasCallback));
/** Long enough for the IdP's token endpoint and key fetch (each bounded by the provider timeout). */
const CALLBACK_LEASE_MS = 60_000;

const RESULT_PAGES: Record<string, [number, string, string, PageTone]> = {
  verified: [200, 'You are verified', 'Thank you. You can close this page and go back to your call with our support team.', 'success'],
  denied: [200, 'Verification refused', 'The sign-in was refused. If you did not expect this, tell our support team.', 'warning'],
  timed_out: [410, 'This link has expired', 'Ask our support team to send a new one.', 'info'],
  failed: [
    200,
    'Verification failed',
    'We could not confirm your identity with this sign-in. Our support team can see the result and will help.',
    'error',
  ],
  cancelled: [
    410,
    'This link is no longer valid',
    'The verification was cancelled. Ask our support team for a new one if you need it.',
    'info',
  ],
  overridden: [410, 'This link is no longer valid', 'This verification has already finished.', 'info'],
};

/** A link whose verification has already finished: say so, whatever the outcome was (it is the agent's to read). */
function finishedPage(res: Response, state: string): void {
  const [status, title, text, tone] = RESULT_PAGES[state === 'verified' ? 'overridden' : state] ?? RESULT_PAGES.failed!;
  sendPage(res, status, title, text, tone);
}

function stringParams(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query).slice(0, 20)) if (typeof v === 'string' && k.length <= 64 && v.length <= 4096) out[k] = v;
  return out;
}

export function verificationCallbackRoutes(deps: CallbackRoutesDeps): Router {
  const router = Router();
  const v = deps.verification;

  router.get('/verify/callback/:kind', deps.limit, async (req, res) => {
    const kind = String(req.params.kind);
    const input = stringParams(req.query);
    const state = input.state ?? '';
    // Only the full state the provider made (>= 128 random bits) finds a verification: a guessed or
    // partial one (e.g. the verification id alone) matches nothing and changes nothing.
    const invalid = () =>
      sendPage(res, 400, 'This link is not valid', 'It may have been used already or mistyped. Ask our support team to send a new one.');
    if (!KINDS.has(kind) || state.length < 16 || state.length > 1024) return invalid();
    const row = await repo.findByCallbackState(v.db, state);
    if (!row || IDP_OF_METHOD[row.method] !== kind) return invalid();
    if (row.state !== 'waiting' && row.state !== 'started') return finishedPage(res, row.state);
    // One request at a time per link: the others get a page saying so and change nothing.
    if (!(await claimForCallback(v.db, row.tenantId, row.id, CALLBACK_LEASE_MS))) {
      return sendPage(
        res,
        409,
        'This link is already being used',
        'Another sign-in with this link is in progress. Go back to the page that opened first.',
      );
    }
    const { policy } = await v.loadPolicy(row.tenantId);
    let outcome: ProviderOutcome;
    if (row.expiresAt.getTime() <= Date.now()) outcome = { state: 'timed_out' };
    else {
      const provider = (await v.providersFor(row.tenantId)).get(IDP_OF_METHOD[row.method]);
      try {
        if (!provider?.complete) throw new ProviderError('misconfigured', 'no link provider');
        outcome = await provider.complete(row.providerState, input);
      } catch (err) {
        outcome = { state: 'failed', reason: providerFailureReason(err) };
      }
      if (outcome.state === 'waiting') outcome = { state: 'failed', reason: 'The sign-in did not finish.' };
    }
    // Recorded by exactly one request: a concurrent callback with the same link (or the poller, or the
    // agent's cancel) that lost the guarded update gets the finished page and never a grant.
    const isRecorded = await recordProviderOutcome(v, row, outcome, policy.lifetimeSeconds);
    const after = await repo.findById(v.db, row.tenantId, row.id);
    const final = after?.state ?? 'failed';
    req.log.info({ verification: row.id.slice(0, 8), method: row.method, state: final, isRecorded }, 'verification link answered');
    if (!isRecorded) return finishedPage(res, final);
    if (final === 'verified' && row.purpose === 'recipient' && row.secretId && deps.onRecipientVerified) {
      const tenant = await findActiveById(v.db, row.tenantId);
      const grant = tenant
        ? await deps.onRecipientVerified({
            tenantId: row.tenantId,
            tenantSlug: tenant.slug,
            isDefaultTenant: tenant.id === DEFAULT_TENANT_ID,
            secretId: row.secretId,
            verificationId: row.id,
            requesterKey: row.requesterKey,
          })
        : undefined;
      if (grant) {
        res.set('Cache-Control', 'no-store').redirect(303, grant.location);
        return;
      }
      return sendPage(
        res,
        403,
        'The secret cannot be opened',
        'You were verified, but not as the person this secret was sent to. Ask the sender for help.',
      );
    }
    const [status, title, text, tone] = RESULT_PAGES[final] ?? RESULT_PAGES.failed!;
    sendPage(res, status, title, text, tone);
  });

  return router;
}
