import { z } from 'zod';

/**
 * Verify caller: methods, live states, policy and IdP configuration. An agent can start, cancel,
 * type back a callback code, or ask for a supervisor override — there is no call that sets
 * "verified" (S7); only the IdP's answer does.
 */

export const VERIFICATION_METHODS = ['okta_push', 'duo_push', 'duo_universal', 'oidc', 'callback_sms', 'callback_voice'] as const;
export const VerificationMethodSchema = z.enum(VERIFICATION_METHODS);
export type VerificationMethod = z.infer<typeof VerificationMethodSchema>;

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

/** What the agent reads to (or hears from) the caller. */
export const BindingSchema = z.discriminatedUnion('kind', [
  /** Okta Verify number challenge: the agent reads this number; the caller picks it on the phone. */
  z.object({ kind: z.literal('number_challenge'), number: z.string() }),
  /** Duo Verified Push: Duo asks the caller to type this code into the push; the agent reads it out. */
  z.object({ kind: z.literal('verified_push'), code: z.string() }),
  /** Callback: a code was sent to the number on record (masked); the agent types back what the caller reads. */
  z.object({ kind: z.literal('callback_code'), sentTo: z.string(), channel: z.enum(['sms', 'voice']), attemptsLeft: z.number().int() }),
  /** A one-time link was sent to the contact on record (masked). */
  z.object({ kind: z.literal('link'), sentTo: z.string() }),
]);
export type Binding = z.infer<typeof BindingSchema>;

export const OverrideSchema = z.object({
  state: z.enum(['requested', 'approved']),
  requestedBy: z.string(),
  reason: z.string(),
  approvedBy: z.string().nullable(),
});

export const VerificationSchema = z.object({
  id: z.string().uuid(),
  method: VerificationMethodSchema,
  state: VerificationStateSchema,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /**
   * While started/waiting: when the attempt times out (policy.attemptTimeoutSeconds after the start;
   * the sidebar counts down to it). Optional so older API answers still parse; the API fills it.
   */
  expiresAt: z.string().nullable().optional(),
  /** For `verified` / `overridden`: when the verification stops counting (bound to ticket + agent). */
  validUntil: z.string().nullable(),
  agentLabel: z.string(),
  requesterLabel: z.string(),
  binding: BindingSchema.nullable(),
  /** One sentence for the agent when the state is not a pass (never IdP internals or identifiers). */
  reason: z.string().nullable(),
  isFraudSuspected: z.boolean(),
  /** Shortened IdP transaction id, for cross-checking with the IdP's logs. */
  idpRef: z.string().nullable(),
  override: OverrideSchema.nullable(),
  /** Receipt: the audit event id of the latest step. */
  receipt: z.string().nullable(),
});
export type Verification = z.infer<typeof VerificationSchema>;

export const MethodOptionSchema = z.object({
  method: VerificationMethodSchema,
  label: z.string(),
  /** false with `reason` when policy or the IdP rules it out for this caller right now. */
  isAvailable: z.boolean(),
  reason: z.string().nullable(),
  /** The policy's fallback, offered because the preferred methods are not usable. */
  isFallback: z.boolean(),
});
export type MethodOption = z.infer<typeof MethodOptionSchema>;

/** GET /api/v1/sidebar/verifications */
export const VerificationOverviewSchema = z.object({
  current: VerificationSchema.nullable(),
  /** An override another agent asked for on this ticket, for a supervisor to approve. */
  pendingOverrides: z.array(VerificationSchema),
  methods: z.array(MethodOptionSchema),
  isSupervisor: z.boolean(),
});
export type VerificationOverview = z.infer<typeof VerificationOverviewSchema>;

export const StartVerificationRequestSchema = z.object({ method: VerificationMethodSchema }).strict();
export const SubmitCodeRequestSchema = z.object({ code: z.string().regex(/^\d{4,10}$/, 'must be the 4–10 digit code the caller reads back') }).strict();
export const OverrideRequestSchema = z.object({ reason: z.string().trim().min(10, 'must say why (at least 10 characters)').max(500) }).strict();

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
    lifetimeSeconds: z.number().int().min(60).max(4 * 3600).default(900),
    /** A factor created or changed within this many hours is not enough alone. 0 disables. */
    recentFactorHours: z.number().int().min(0).max(24 * 30).default(24),
    /** Per customer, across all agents and tickets. */
    pushLimit: z
      .object({
        count: z.number().int().min(1).max(20).default(3),
        windowSeconds: z.number().int().min(60).max(24 * 3600).default(600),
        cooldownSeconds: z.number().int().min(60).max(24 * 3600).default(900),
      })
      .default({ count: 3, windowSeconds: 600, cooldownSeconds: 900 }),
    /** How long the caller has to answer a push / open a link / read back a code. */
    attemptTimeoutSeconds: z.number().int().min(30).max(3600).default(120),
    callbackMaxCodeAttempts: z.number().int().min(1).max(10).default(3),
    /** Desk agent ids allowed to approve overrides (never the requesting agent). */
    supervisors: z.array(z.string().min(1).max(200)).max(200).default([]),
    /** OIDC / Entra evidence of MFA and freshness. */
    oidc: z
      .object({
        maxAuthAgeSeconds: z.number().int().min(30).max(3600).default(300),
        /** Entra: Conditional Access auth-context ids, any of which must be in `acrs`. */
        requiredAcrs: z.array(z.string().max(100)).max(20).default([]),
        /** Others: any of these in `amr` ... */
        requiredAmr: z.array(z.string().max(100)).max(20).default(['mfa']),
        /** ... or `acr` equal to one of these. */
        requiredAcr: z.array(z.string().max(200)).max(20).default([]),
      })
      .default({ maxAuthAgeSeconds: 300, requiredAcrs: [], requiredAmr: ['mfa'], requiredAcr: [] }),
  })
  .strict()
  .refine((p) => new Set(p.methods).size === p.methods.length, { message: 'lists a method twice', path: ['methods'] });
export type VerificationPolicy = z.output<typeof VerificationPolicySchema>;
export type VerificationPolicyInput = z.input<typeof VerificationPolicySchema>;

export const PolicyVersionSchema = z.object({ version: z.number().int(), policy: z.unknown(), createdAt: z.string(), changedBy: z.string() });

/** IdP connections per tenant (PUT /api/v1/admin/tenants/:slug/idp/:kind); secrets envelope-encrypted. */
const HttpsUrl = z.string().url().max(300);
export const IdpConfigSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('okta'),
      orgUrl: HttpsUrl,
      auth: z.union([
        z.object({ apiToken: z.string().min(8).max(200) }).strict(),
        z
          .object({
            clientId: z.string().min(1).max(200),
            privateKeyPem: z.string().max(16 * 1024).regex(/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'must be a PEM private key'),
            keyId: z.string().max(200).optional(),
            scopes: z.array(z.string().max(100)).min(1).default(['okta.users.read', 'okta.users.manage']),
          })
          .strict(),
      ]),
    })
    .strict(),
  z
    .object({
      kind: z.literal('duo'),
      /** api-XXXXXXXX.duosecurity.com */
      apiHost: z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$/, 'must be a host name like api-1234abcd.duosecurity.com'),
      integrationKey: z.string().min(1).max(100),
      secretKey: z.string().min(8).max(200),
      /** Universal Prompt (Web SDK) application, for the link method. */
      universal: z.object({ clientId: z.string().min(1).max(100), clientSecret: z.string().min(8).max(200) }).strict().optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('oidc'),
      /** Entra: https://login.microsoftonline.com/<tenant-id>/v2.0 */
      issuer: HttpsUrl,
      clientId: z.string().min(1).max(200),
      clientSecret: z.string().min(1).max(500).optional(),
      flavor: z.enum(['entra', 'generic']).default('generic'),
      /** Which id_token claim must equal the requester's email on record. */
      subjectClaim: z.enum(['email', 'preferred_username', 'upn', 'sub']).default('email'),
      scopes: z.array(z.string().max(100)).default(['openid', 'email', 'profile']),
    })
    .strict(),
  z
    .object({
      kind: z.literal('twilio'),
      accountSid: z.string().regex(/^AC[0-9a-f]{32}$/, 'is not a Twilio account SID'),
      authToken: z.string().min(8).max(200),
      serviceSid: z.string().regex(/^VA[0-9a-f]{32}$/, 'is not a Twilio Verify service SID'),
      /** Another Verify API base URL (a regional edge, a stand-in): https on a public or operator-allowed host. */
      baseUrl: HttpsUrl.optional(),
    })
    .strict(),
]);
export type IdpConfig = z.infer<typeof IdpConfigSchema>;
export type IdpKind = IdpConfig['kind'];
