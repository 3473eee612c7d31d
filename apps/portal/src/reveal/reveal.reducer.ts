import type { SecretMetadata, WithdrawnReason } from '@vouchsafe/contracts';
import type { SecretPayload } from '@vouchsafe/crypto';
import type { ApiFailure } from '../api/reveal-api';

/** The values of `data-state` on the page container; e2e tests key on these. */
export type RevealStatus =
  | 'loading'
  | 'ready'
  | 'revealing'
  | 'revealed'
  | 'verify' // only the ticket's requester may open: "Verify it's you"
  | 'verifying' // on the way to the identity provider
  | 'gone'
  | 'withdrawn' // issue 12: the ticket it was sent from was closed, deleted or merged
  | 'incomplete'
  | 'wrong-key'
  | 'wrong-passphrase'
  | 'throttled'
  | 'unreachable'
  | 'error';

export type PassphraseProblem = 'missing' | 'wrong';

/** Why the verify screen is shown again: the grant was refused, or starting the sign-in failed. */
export type VerifyProblem =
  | { kind: 'grant-refused' }
  | { kind: 'throttled'; retryAfterSeconds?: number; at: number }
  | { kind: 'unreachable' }
  | { kind: 'unexpected' };

export type RevealState =
  | { status: 'loading' }
  | { status: 'incomplete' }
  | { status: 'ready'; metadata: SecretMetadata; passphraseProblem?: 'missing' }
  | { status: 'revealing'; metadata: SecretMetadata }
  | { status: 'wrong-passphrase'; metadata: SecretMetadata }
  | { status: 'throttled'; metadata?: SecretMetadata; retryAfterSeconds?: number; at: number }
  /** `metadata` is kept when the reveal call failed, so "Try again" goes back to the form. */
  | { status: 'unreachable'; metadata?: SecretMetadata }
  | { status: 'revealed'; secret: SecretPayload; viewsLeft: number }
  | { status: 'verify'; metadata: SecretMetadata; problem?: VerifyProblem }
  | { status: 'verifying'; metadata: SecretMetadata }
  | { status: 'gone' }
  | { status: 'withdrawn'; reason: WithdrawnReason }
  | { status: 'wrong-key' }
  /** decrypt: the server released the secret but the link key could not open it. */
  | { status: 'error'; reason: 'decrypt' | 'unexpected' };

export type RevealEvent =
  /** `hasGrant`: the page came back from the identity provider with a reveal grant. */
  | { type: 'metadata_loaded'; metadata: SecretMetadata; hasGrant?: boolean }
  | { type: 'verify_started' }
  | { type: 'verify_failed'; failure: ApiFailure; at: number }
  | { type: 'metadata_failed'; failure: ApiFailure; at: number }
  | { type: 'passphrase_missing' }
  | { type: 'reveal_started' }
  | { type: 'reveal_failed'; failure: ApiFailure; at: number }
  | { type: 'decrypt_failed' }
  | { type: 'reveal_succeeded'; secret: SecretPayload; viewsLeft: number }
  | { type: 'retry' };

export function initialRevealState(isComplete: boolean): RevealState {
  return isComplete ? { status: 'loading' } : { status: 'incomplete' };
}

/** States in which the form is on screen and the Reveal button may be pressed. */
export function formMetadata(state: RevealState): SecretMetadata | undefined {
  switch (state.status) {
    case 'ready':
    case 'wrong-passphrase':
    case 'throttled':
      return state.metadata;
    default:
      return undefined;
  }
}

function fromFailure(failure: ApiFailure, at: number, metadata?: SecretMetadata): RevealState {
  switch (failure.kind) {
    case 'gone':
      return { status: 'gone' };
    case 'withdrawn':
      return { status: 'withdrawn', reason: failure.reason };
    case 'wrong-key':
      return { status: 'wrong-key' };
    case 'verification-required':
      // Only a reveal call says this; the grant it carried (if any) was refused.
      return metadata ? { status: 'verify', metadata, problem: { kind: 'grant-refused' } } : { status: 'error', reason: 'unexpected' };
    case 'wrong-passphrase':
    case 'passphrase-required':
      // Without metadata there is no form to correct the passphrase on; the server would only
      // say this to a reveal call, which always has metadata.
      return metadata ? { status: 'wrong-passphrase', metadata } : { status: 'error', reason: 'unexpected' };
    case 'throttled': {
      const state: RevealState = { status: 'throttled', at };
      if (metadata) state.metadata = metadata;
      if (failure.retryAfterSeconds !== undefined) state.retryAfterSeconds = failure.retryAfterSeconds;
      return state;
    }
    case 'unreachable':
      return metadata ? { status: 'unreachable', metadata } : { status: 'unreachable' };
    case 'unexpected':
      return { status: 'error', reason: 'unexpected' };
  }
}

export function revealReducer(state: RevealState, event: RevealEvent): RevealState {
  switch (event.type) {
    case 'metadata_loaded':
      if (state.status !== 'loading') return state;
      return event.metadata.needsVerification === true && event.hasGrant !== true
        ? { status: 'verify', metadata: event.metadata }
        : { status: 'ready', metadata: event.metadata };
    case 'verify_started':
      return state.status === 'verify' ? { status: 'verifying', metadata: state.metadata } : state;
    case 'verify_failed':
      return state.status === 'verifying'
        ? { status: 'verify', metadata: state.metadata, problem: verifyProblem(event.failure, event.at) }
        : state;
    case 'metadata_failed':
      return state.status === 'loading' ? fromFailure(event.failure, event.at) : state;
    case 'passphrase_missing': {
      const metadata = formMetadata(state);
      return metadata ? { status: 'ready', metadata, passphraseProblem: 'missing' } : state;
    }
    case 'reveal_started': {
      // Only from a visible form, and never twice: a double click must not send two reveals.
      const metadata = formMetadata(state);
      return metadata ? { status: 'revealing', metadata } : state;
    }
    case 'reveal_failed':
      return state.status === 'revealing' ? fromFailure(event.failure, event.at, state.metadata) : state;
    case 'decrypt_failed':
      return state.status === 'revealing' ? { status: 'error', reason: 'decrypt' } : state;
    case 'reveal_succeeded':
      return state.status === 'revealing' ? { status: 'revealed', secret: event.secret, viewsLeft: event.viewsLeft } : state;
    case 'retry':
      if (state.status !== 'unreachable' && state.status !== 'throttled') return state;
      return state.metadata ? { status: 'ready', metadata: state.metadata } : { status: 'loading' };
  }
}

function verifyProblem(failure: ApiFailure, at: number): VerifyProblem {
  switch (failure.kind) {
    case 'throttled':
      return failure.retryAfterSeconds === undefined
        ? { kind: 'throttled', at }
        : { kind: 'throttled', retryAfterSeconds: failure.retryAfterSeconds, at };
    case 'unreachable':
      return { kind: 'unreachable' };
    default:
      return { kind: 'unexpected' };
  }
}
