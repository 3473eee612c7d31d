import { VerificationPolicySchema, type OperatorMe, type PendingChange } from '@vouchsafe/contracts';
import type { AdminApi } from '../api/admin-api';
import type { PolicyView } from '../api/shapes';

/** Specs' stand-in for the admin API: fixed answers, each method replaceable (`fakeAdminApi({ approve: … })`). */

export const ADMIN_ME: OperatorMe = {
  label: 'Ada Admin',
  actor: 'operator:ada',
  roles: ['admin'],
  tenants: null,
  csrfToken: 'csrf-ada',
  idleExpiresAt: '2026-12-03T18:00:00.000Z',
  expiresAt: '2026-12-04T02:00:00.000Z',
};

export const TENANT = {
  id: '00000000-0000-4000-8000-000000000001',
  slug: 'acme-zd',
  name: 'Acme Zendesk',
  desk: 'zendesk' as const,
  account: 'acme',
  createdAt: '2026-12-01T10:00:00.000Z',
};

export const POLICY: PolicyView = {
  version: 3,
  policy: VerificationPolicySchema.parse({ methods: ['okta_push', 'callback_sms'], supervisors: ['agent-1'] }),
  isDefault: false,
  changedBy: 'operator:ada',
  createdAt: '2026-12-02T10:00:00.000Z',
};

export function change(overrides: Partial<PendingChange> = {}): PendingChange {
  return {
    id: 'chg-1',
    tenant: TENANT.slug,
    kind: 'policy.set',
    target: null,
    summary: 'Policy: allow the desk’s phone number for callbacks',
    fields: [
      { path: 'deskPhoneFallback.isAllowed', before: 'false', after: 'true', weakens: true },
      { path: 'lifetimeSeconds', before: '900', after: '600', weakens: false },
    ],
    weakens: true,
    state: 'pending',
    requestedBy: 'Bo B.',
    requestedAt: '2026-12-03T09:00:00.000Z',
    requestReason: 'Customers without the app',
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    expiresAt: '2026-12-10T09:00:00.000Z',
    isOwnRequest: false,
    canDecide: true,
    ...overrides,
  };
}

export function fakeAdminApi(overrides: Partial<AdminApi> = {}): AdminApi {
  const ok = <T>(value: T) => Promise.resolve({ ok: true as const, value });
  return {
    me: () => ok(ADMIN_ME),
    signOut: () => ok(undefined),
    tenants: () => ok([TENANT]),
    branding: () => Promise.resolve({ ok: false as const, failure: { kind: 'not-found' as const, message: 'No branding yet.' } }),
    setBranding: (_csrf, _slug, body) =>
      ok({
        displayName: body.displayName,
        brandColor: body.brandColor ?? null,
        hasLogo: typeof body.logoPngBase64 === 'string',
        supportPhone: body.supportPhone ?? null,
        supportUrl: body.supportUrl ?? null,
        linkDomain: body.linkDomain ?? null,
        updatedAt: '2026-12-03T20:00:00.000Z',
      }),
    createTenant: () => ok(TENANT),
    idps: () =>
      ok([{ kind: 'okta', settings: { orgUrl: 'https://acme.okta.com', auth: 'api token' }, updatedAt: '2026-12-01T10:00:00.000Z' }]),
    setIdp: () => ok({ kind: 'applied' as const, value: undefined }),
    removeIdp: () => ok({ kind: 'applied' as const, value: undefined }),
    policy: () => ok(POLICY),
    setPolicy: () => ok({ kind: 'applied' as const, value: POLICY }),
    changes: () => ok({ approvals: 'four_eyes' as const, changes: [change()] }),
    approve: (_csrf, id) => ok(change({ id, state: 'approved' })),
    reject: (_csrf, id, reason) => ok(change({ id, state: 'rejected', decisionReason: reason })),
    withdraw: (_csrf, id) => ok(change({ id, state: 'withdrawn' })),
    tokens: () => ok([]),
    createToken: (_csrf, body) =>
      ok({
        ...body,
        source: 'stored' as const,
        createdBy: 'operator:ada',
        createdAt: null,
        expiresAt: null,
        revokedAt: null,
        token: 'vst_secret-token-value',
      }),
    revokeToken: () => ok(undefined),
    ...overrides,
  };
}
