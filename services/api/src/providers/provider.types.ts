import type { Binding, IdpKind, OutcomeDetail, VerificationMethod } from '@vouchsafe/contracts';

/**
 * One interface for every way of proving who is on the line (providers/<idp>/). Providers talk to
 * the IdP and nothing else: they do not log, do not touch the database, and throw ProviderError.
 * The verification module owns state, policy, limits, audit and notes.
 */

/** The ticket's requester as the help desk has them on record (looked up server-side, never from the browser). */
export interface RequesterOnRecord {
  email: string | null;
  phone: string | null;
  name: string | null;
}

/** The IdP's user for this requester. `ref` is the IdP's id (Okta user id, Duo username, OIDC subject hint). */
export interface IdpUser {
  ref: string;
  /** The contact the IdP has on record, preferred over the desk's for callbacks and links. */
  email: string | null;
  phone: string | null;
}

export interface MethodInfo {
  method: VerificationMethod;
  /** IdP factor/device id where the method needs one (Okta factor id). */
  factorRef?: string;
  /** When the factor was enrolled / last changed: the recent-factor guard uses these. */
  createdAt?: Date;
  updatedAt?: Date;
  /**
   * Set when the IdP knows the method but rules it out for this user right now (Duo preauth: not enrolled,
   * denied, or a bypass user, who must never count as verified). One sentence for the agent, no identifiers.
   * Such a method must be offered as unavailable with this reason, never started.
   */
  unavailableReason?: string;
}

export interface StartContext {
  verificationId: string;
  /** Our callback for link methods: `${publicUrl}/verify/callback/<kind>` (the verification id is in `state`). */
  callbackUrl: string;
  /** Shown in pushes where the IdP supports it (Duo `pushinfo`, Okta user agent). No identifiers. */
  displayContext: string;
}

export interface StartResult {
  /** The IdP's transaction id (Okta poll URL id, Duo txid, Twilio verification sid, OIDC state). */
  idpRef: string;
  binding: Binding | null;
  /** What the poller / callback needs later; stored as JSON on the verification row. No secrets in clear if avoidable. */
  providerState: Record<string, unknown>;
  /** For link methods: the URL to send to the contact on record. */
  link?: string;
}

/** The IdP's answer. Anything a provider does not recognise must come back as `failed` (S7). */
export type ProviderOutcome =
  | { state: 'waiting' }
  | { state: 'verified' }
  /**
   * `detail`: what the IdP reported, only as far as its documents distinguish (contracts OUTCOME_DETAILS): a denial,
   * a fraud report, or (Okta) a rejection that may be either a denial or a wrong number. None where the IdP does
   * not say who refused (OIDC `access_denied`: the user or the provider).
   */
  | { state: 'denied'; detail?: Exclude<OutcomeDetail, 'wrong_code'>; reason?: string }
  | { state: 'timed_out' }
  /** `detail: 'wrong_code'`: only the verification module sets it (callback codes it checked itself). */
  | { state: 'failed'; reason: string; detail?: 'wrong_code' };

export interface VerificationProvider {
  readonly kind: IdpKind;
  readonly methods: readonly VerificationMethod[];
  resolveUser(requester: RequesterOnRecord): Promise<IdpUser | undefined>;
  listMethods(user: IdpUser): Promise<MethodInfo[]>;
  start(user: IdpUser, method: MethodInfo, ctx: StartContext): Promise<StartResult>;
  /** Push methods: one poll (may long-poll up to `maxWaitMs`). */
  poll?(state: Record<string, unknown>, maxWaitMs: number): Promise<ProviderOutcome>;
  /** Code / link methods: the caller's code, or the callback's query parameters. */
  complete?(state: Record<string, unknown>, input: Record<string, string>): Promise<ProviderOutcome>;
  cancel(state: Record<string, unknown>): Promise<void>;
}

export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    readonly kind: 'unavailable' | 'misconfigured' | 'rejected' | 'not_found',
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
