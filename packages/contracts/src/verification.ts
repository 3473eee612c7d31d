import { z } from 'zod';
import { OIDC_SUBJECT_CLAIMS, oidcIdentityIssues } from './oidc-identity';
import { text } from './text';
import { CommentRedactionModeSchema } from './desk-events';

/**
 * Verify caller: methods, live states, policy and IdP configuration. An agent can start, cancel,
 * type back a callback code, or ask for a supervisor override — there is no call that sets
 * "verified" (S7); only the IdP's answer does.
 */

export const VERIFICATION_METHODS = ['okta_push', 'duo_push', 'duo_universal', 'oidc', 'callback_sms', 'callback_voice'] as const;
export const VerificationMethodSchema = z.enum(VERIFICATION_METHODS);
export type VerificationMethod = z.infer<typeof VerificationMethodSchema>;

/**
 * What each method is called, everywhere an agent or reviewer reads it: the sidebar, the notes, the CLI, the README
 * (method-labels.test.ts checks its table) and the tests. Issue 16: one name each, in words an agent understands.
 */
export const VERIFICATION_METHOD_LABELS: Readonly<Record<VerificationMethod, string>> = {
  okta_push: 'Okta Verify push',
  duo_push: 'Duo push',
  duo_universal: 'Duo sign-in link',
  oidc: 'Entra / OIDC sign-in link',
  callback_sms: 'Code by SMS',
  callback_voice: 'Code by voice call',
};

/** Methods proven by a one-time link sent to the email/phone on record (never a contact given on the call). */
export const LINK_METHODS: readonly VerificationMethod[] = ['duo_universal', 'oidc'];

export const VERIFICATION_STATES = [
  'started', // asked the IdP, no answer yet
  'waiting', // the caller has something to do (approve the push, open the link, read back the code)
  'verified',
  'denied', // the caller (or someone holding the device) refused: possible fraud
  'timed_out',
  'failed', // IdP error, unknown IdP state, failed claim checks, wrong codes exhausted, limits
  'cancelled', // by the agent
  'overridden', // not verified: a supervisor approved an exception (loud, in the note)
] as const;
export const VerificationStateSchema = z.enum(VERIFICATION_STATES);
export type VerificationState = z.infer<typeof VerificationStateSchema>;
export const FINAL_STATES: readonly VerificationState[] = ['verified', 'denied', 'timed_out', 'failed', 'cancelled', 'overridden'];

/** Where a phone number on record came from: the IdP's user profile, or the help desk's requester profile. */
export const CONTACT_SOURCES = ['idp', 'desk'] as const;
export type ContactSource = (typeof CONTACT_SOURCES)[number];

/** What the agent reads to (or hears from) the caller. */
export const BindingSchema = z.discriminatedUnion('kind', [
  /** Okta Verify number challenge: the agent reads this number; the caller picks it on the phone. */
  z.object({ kind: z.literal('number_challenge'), number: text() }),
  /** Duo Verified Push: Duo asks the caller to type this code into the push; the agent reads it out. */
  z.object({ kind: z.literal('verified_push'), code: text() }),
  /**
   * Callback: a code was sent to the number on record (masked); the agent types back what the caller reads.
   * `source`: where that number came from — the identity provider's profile, or (only where policy allows it and
   * the number has not changed recently) the help desk's profile. Optional so older API answers still parse.
   */
  z.object({
    kind: z.literal('callback_code'),
    sentTo: text(),
    channel: z.enum(['sms', 'voice']),
    attemptsLeft: z.number().int(),
    source: z.enum(CONTACT_SOURCES).optional(),
  }),
  /** A one-time link was sent to the contact on record (masked). */
  z.object({ kind: z.literal('link'), sentTo: text() }),
]);
export type Binding = z.infer<typeof BindingSchema>;

/**
 * Issue 16 (notes16): what the IdP reported when a verification did not pass, in the IdP's own terms. Only where a
 * vendor documents the difference is it recorded as different; where it cannot tell, the detail says so.
 * - `customer_denied`: the customer refused on their device (Duo `deny`/`deny`, Duo prompt `deny`). Possible fraud.
 * - `reported_fraud`: the customer reported the request as fraud (Duo `deny`/`fraud`). Fraud reported.
 * - `rejected_unspecified`: Okta's `REJECTED` — Okta does not say whether the customer denied the push or tapped a
 *   wrong number in the number challenge. Possible fraud (it may be a denial).
 * - `wrong_code`: callback codes — Vouchsafe itself checked the code the caller read back and it was wrong each time.
 */
export const OUTCOME_DETAILS = ['customer_denied', 'reported_fraud', 'rejected_unspecified', 'wrong_code'] as const;
export const OutcomeDetailSchema = z.enum(OUTCOME_DETAILS);
export type OutcomeDetail = z.infer<typeof OutcomeDetailSchema>;

/** Why an agent ended a verification early (POST …/verifications/:id/cancel {reason}). */
export const END_REASONS = ['call_dropped', 'different_person', 'not_needed', 'wrong_method'] as const;
export const EndReasonSchema = z.enum(END_REASONS);
export type EndReason = z.infer<typeof EndReasonSchema>;
/** The agent's words for each reason: the sidebar's choices, the note and the audit trail. */
export const END_REASON_LABELS: Readonly<Record<EndReason, string>> = {
  call_dropped: 'The call dropped',
  different_person: 'A different person came on the line',
  not_needed: 'Verification no longer needed',
  wrong_method: 'Wrong method chosen',
};
/** Body of POST …/verifications/:id/cancel. No body or no reason (older sidebars) ends it without a reason. */
export const EndVerificationRequestSchema = z.object({ reason: EndReasonSchema.optional() }).strict();

export const OverrideSchema = z.object({
  /** Issue 16: a supervisor may also decline, with a reason (the requesting agent sees who and why). */
  state: z.enum(['requested', 'approved', 'declined']),
  requestedBy: text(),
  reason: text(),
  approvedBy: text().nullable(),
  /** Who declined and why (state `declined`). Optional so older API answers still parse. */
  declinedBy: text().nullable().optional(),
  declineReason: text().nullable().optional(),
});

export const VerificationSchema = z.object({
  id: text().uuid(),
  method: VerificationMethodSchema,
  state: VerificationStateSchema,
  startedAt: text(),
  finishedAt: text().nullable(),
  /**
   * While started/waiting: when the attempt times out (policy.attemptTimeoutSeconds after the start;
   * the sidebar counts down to it). Optional so older API answers still parse; the API fills it.
   */
  expiresAt: text().nullable().optional(),
  /** For `verified` / `overridden`: when the verification stops counting (bound to ticket + agent). */
  validUntil: text().nullable(),
  agentLabel: text(),
  requesterLabel: text(),
  binding: BindingSchema.nullable(),
  /** One sentence for the agent when the state is not a pass (never IdP internals or identifiers). */
  reason: text().nullable(),
  isFraudSuspected: z.boolean(),
  /** Shortened IdP transaction id, for cross-checking with the IdP's logs. */
  idpRef: text().nullable(),
  override: OverrideSchema.nullable(),
  /** What the IdP reported when it did not pass (issue 16); optional so older API answers still parse. */
  outcomeDetail: OutcomeDetailSchema.nullable().optional(),
  /** Why the agent ended it early, when they said (issue 16). */
  endReason: EndReasonSchema.nullable().optional(),
  /** Receipt: the audit event id of the latest step. */
  receipt: text().nullable(),
});
export type Verification = z.infer<typeof VerificationSchema>;

export const MethodOptionSchema = z.object({
  method: VerificationMethodSchema,
  label: text(),
  /** false with `reason` when policy or the IdP rules it out for this caller right now. */
  isAvailable: z.boolean(),
  reason: text().nullable(),
  /** The policy's fallback, offered because the preferred methods are not usable. */
  isFallback: z.boolean(),
});
export type MethodOption = z.infer<typeof MethodOptionSchema>;

/**
 * A fraud flag on the ticket (possible-fraud denial or reported fraud): it stays in the sidebar, for every agent on
 * the ticket, whatever later attempts do, until a supervisor acknowledges it with a reason.
 */
export const FraudFlagSchema = z.object({
  id: text().uuid(),
  kind: z.enum(['possible_fraud', 'reported_fraud']),
  /** The detail of the verification that raised it (what the IdP reported). */
  detail: OutcomeDetailSchema.nullable(),
  method: VerificationMethodSchema,
  raisedAt: text(),
  /** The agent whose verification raised it (display name). */
  agentLabel: text(),
  /** How many unacknowledged flags the ticket has (this is the latest). */
  openCount: z.number().int().min(1),
  /** One of the open flags was raised on the viewing agent's own attempt: another supervisor must acknowledge them. */
  raisedOnOwnAttempt: z.boolean().optional(),
});
export type FraudFlag = z.infer<typeof FraudFlagSchema>;
export const AcknowledgeFraudFlagRequestSchema = z
  .object({ reason: text().trim().min(10, 'must say why (at least 10 characters)').max(500) })
  .strict();

/** GET /api/v1/sidebar/verifications */
export const VerificationOverviewSchema = z.object({
  current: VerificationSchema.nullable(),
  /** An override another agent asked for on this ticket, for a supervisor to approve. */
  pendingOverrides: z.array(VerificationSchema),
  methods: z.array(MethodOptionSchema),
  isSupervisor: z.boolean(),
  /** The ticket's unacknowledged fraud flag (issue 16), for every agent on the ticket; optional for older answers. */
  fraudFlag: FraudFlagSchema.nullable().optional(),
});
export type VerificationOverview = z.infer<typeof VerificationOverviewSchema>;

export const StartVerificationRequestSchema = z.object({ method: VerificationMethodSchema }).strict();
export const SubmitCodeRequestSchema = z
  .object({ code: text().regex(/^\d{4,10}$/, 'must be the 4–10 digit code the caller reads back') })
  .strict();
export const OverrideRequestSchema = z.object({ reason: text().trim().min(10, 'must say why (at least 10 characters)').max(500) }).strict();
/** POST /verifications/{id}/override/decline (issue 16): a supervisor declines, saying why. */
export const DeclineOverrideRequestSchema = z
  .object({ reason: text().trim().min(5, 'must say why (at least 5 characters)').max(500) })
  .strict();

/**
 * GET /api/v1/sidebar/overrides (issue 16): a supervisor's queue — the tenant's override requests waiting for a
 * decision, across tickets, newest first (at most 50). Only agents in the policy's `supervisors` list may read it.
 * Each names its ticket; approving or declining happens from that ticket's sidebar.
 */
export const PendingOverrideSchema = VerificationSchema.extend({ ticketId: text() });
export type PendingOverride = z.infer<typeof PendingOverrideSchema>;
export const PendingOverrideListSchema = z.object({ overrides: z.array(PendingOverrideSchema) });
export type PendingOverrideList = z.infer<typeof PendingOverrideListSchema>;

/** SSE (GET /api/v1/sidebar/verifications/events): `event: verification`, `data: Verification`. */
export const VERIFICATION_EVENT = 'verification';

/** Per-tenant policy, stored as versioned data; changed only through the audited admin call. */
export const VerificationPolicySchema = z
  .object({
    /** Allowed methods in the order the sidebar offers them. */
    methods: z.array(VerificationMethodSchema).min(1).max(VERIFICATION_METHODS.length),
    /** Offered when the preferred methods cannot be used for this caller (e.g. no push factor listed). */
    fallbackMethod: VerificationMethodSchema.nullable().default(null),
    /** How long a verification counts, bound to ticket + agent. */
    lifetimeSeconds: z
      .number()
      .int()
      .min(60)
      .max(4 * 3600)
      .default(900),
    /** A factor created or changed within this many hours is not enough alone. 0 disables. */
    recentFactorHours: z
      .number()
      .int()
      .min(0)
      .max(24 * 30)
      .default(24),
    /** Per customer, across all agents and tickets. */
    pushLimit: z
      .object({
        count: z.number().int().min(1).max(20).default(3),
        windowSeconds: z
          .number()
          .int()
          .min(60)
          .max(24 * 3600)
          .default(600),
        cooldownSeconds: z
          .number()
          .int()
          .min(60)
          .max(24 * 3600)
          .default(900),
      })
      .default({ count: 3, windowSeconds: 600, cooldownSeconds: 900 }),
    /**
     * Per customer, across all agents and tickets: one-time links (sign-in links emailed by the desk, and the ones a
     * recipient of a verified-only secret asks for) and callback codes, so a start/cancel loop cannot flood the
     * customer's inbox or phone, nor the ticket with notes. Same rule as pushLimit.
     */
    contactLimit: z
      .object({
        count: z.number().int().min(1).max(50).default(5),
        windowSeconds: z
          .number()
          .int()
          .min(60)
          .max(24 * 3600)
          .default(3600),
        cooldownSeconds: z
          .number()
          .int()
          .min(60)
          .max(24 * 3600)
          .default(900),
      })
      .default({ count: 5, windowSeconds: 3600, cooldownSeconds: 900 }),
    /**
     * Callback codes go to the phone in the identity provider's profile. The help desk's number (which agents can
     * edit) is used only when this allows it AND the desk shows it unchanged for `minUnchangedDays` (a desk that
     * cannot tell when it changed counts as changed).
     */
    deskPhoneFallback: z
      .object({
        isAllowed: z.boolean().default(false),
        minUnchangedDays: z.number().int().min(1).max(365).default(30),
      })
      .strict()
      .default({ isAllowed: false, minUnchangedDays: 30 }),
    /** How long the caller has to answer a push / open a link / read back a code. */
    attemptTimeoutSeconds: z.number().int().min(30).max(3600).default(120),
    callbackMaxCodeAttempts: z.number().int().min(1).max(10).default(3),
    /** Desk agent ids allowed to approve overrides (never the requesting agent). */
    supervisors: z.array(text().min(1).max(200)).max(200).default([]),
    /** OIDC / Entra evidence of MFA and freshness. */
    oidc: z
      .object({
        maxAuthAgeSeconds: z.number().int().min(30).max(3600).default(300),
        /** Entra: Conditional Access auth-context ids, any of which must be in `acrs`. */
        requiredAcrs: z.array(text().max(100)).max(20).default([]),
        /** Others: any of these in `amr` ... */
        requiredAmr: z.array(text().max(100)).max(20).default(['mfa']),
        /** ... or `acr` equal to one of these. */
        requiredAcr: z.array(text().max(200)).max(20).default([]),
      })
      .default({ maxAuthAgeSeconds: 300, requiredAcrs: [], requiredAmr: ['mfa'], requiredAcr: [] }),
    /**
     * Issue 12: what happens to a secret found in a new desk comment (desk webhooks): `report` (masked note + audit,
     * the default: it changes nothing in the ticket), `redact`, `redact_and_offer_upload`, or `off`.
     */
    commentRedaction: CommentRedactionModeSchema.default('report'),
  })
  .strict()
  .refine((p) => new Set(p.methods).size === p.methods.length, { message: 'lists a method twice', path: ['methods'] });
export type VerificationPolicy = z.output<typeof VerificationPolicySchema>;
export type VerificationPolicyInput = z.input<typeof VerificationPolicySchema>;

export const PolicyVersionSchema = z.object({ version: z.number().int(), policy: z.unknown(), createdAt: text(), changedBy: text() });

/** IdP connections per tenant (PUT /api/v1/admin/tenants/:slug/idp/:kind); secrets envelope-encrypted. */
const HttpsUrl = text().url().max(300);
export const IdpConfigSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('okta'),
      orgUrl: HttpsUrl,
      auth: z.union([
        z.object({ apiToken: text().min(8).max(200) }).strict(),
        z
          .object({
            clientId: text().min(1).max(200),
            privateKeyPem: text()
              .max(16 * 1024)
              .regex(/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'must be a PEM private key'),
            keyId: text().max(200).optional(),
            scopes: z.array(text().max(100)).min(1).default(['okta.users.read', 'okta.users.manage']),
          })
          .strict(),
      ]),
    })
    .strict(),
  z
    .object({
      kind: z.literal('duo'),
      /** api-XXXXXXXX.duosecurity.com */
      apiHost: text().regex(/^[a-z0-9.-]+(:\d{1,5})?$/, 'must be a host name like api-1234abcd.duosecurity.com'),
      integrationKey: text().min(1).max(100),
      secretKey: text().min(8).max(200),
      /** Universal Prompt (Web SDK) application, for the link method. */
      universal: z
        .object({ clientId: text().min(1).max(100), clientSecret: text().min(8).max(200) })
        .strict()
        .optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('oidc'),
      /** Entra: https://login.microsoftonline.com/<tenant-id>/v2.0 */
      issuer: HttpsUrl,
      clientId: text().min(1).max(200),
      clientSecret: text().min(1).max(500).optional(),
      flavor: z.enum(['entra', 'generic']).default('generic'),
      /**
       * How the id_token names the requester (oidc-identity.ts): generic `email` (only with email_verified: true),
       * entra `oid` (+ `tid`), looked up in Microsoft Graph. The other values only keep old stored connections
       * parseable: registration refuses them (IdpRegistrationSchema) and verification fails closed.
       */
      subjectClaim: z.enum(OIDC_SUBJECT_CLAIMS).default('email'),
      scopes: z.array(text().max(100)).default(['openid', 'email', 'profile']),
      /** Entra: overrides of where Microsoft Graph is reached, for stand-ins only (VOUCHSAFE_ALLOW_INSECURE_HELPDESKS). */
      graph: z
        .object({
          /** Default https://graph.microsoft.com. */
          baseUrl: HttpsUrl.optional(),
          /** Client-credentials token endpoint; default the issuer's token endpoint (its discovery document). */
          tokenUrl: HttpsUrl.optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('twilio'),
      accountSid: text().regex(/^AC[0-9a-f]{32}$/, 'is not a Twilio account SID'),
      authToken: text().min(8).max(200),
      serviceSid: text().regex(/^VA[0-9a-f]{32}$/, 'is not a Twilio Verify service SID'),
      /** Another Verify API base URL (a regional edge, a stand-in): https on a public or operator-allowed host. */
      baseUrl: HttpsUrl.optional(),
    })
    .strict(),
]);
export type IdpConfig = z.infer<typeof IdpConfigSchema>;

/**
 * What an admin may register (PUT …/idp/:kind, `vouchsafe tenant idp set`): IdpConfigSchema plus the rules that a
 * stored connection may break (they fail closed at verification instead, so stored configs always parse).
 */
export const IdpRegistrationSchema = IdpConfigSchema.superRefine((config, ctx) => {
  if (config.kind !== 'oidc') return;
  for (const issue of oidcIdentityIssues(config)) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
});
export type IdpKind = IdpConfig['kind'];
