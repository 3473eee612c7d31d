import { describe, expect, it } from 'vitest';
import { checkIdTokenClaims, DEFAULT_OIDC_POLICY, REASONS, type ClaimExpectations } from './oidc.claims';

const NOW = 1_800_000_000;
const TENANT = '6f1c2a4e-0000-4000-8000-0000000e47a1';
const OID = '3c9d5e1a-7b2f-4c8d-9e0a-1b2c3d4e5f60';

const emailExpect: ClaimExpectations = {
  clientId: 'client-1',
  nonce: 'nonce-1',
  expectedSubject: 'priya.natarajan@customer.test',
  identityClaim: 'email',
  issuedAt: NOW - 10,
  flavor: 'generic',
  policy: DEFAULT_OIDC_POLICY,
  now: NOW,
};

const entraExpect: ClaimExpectations = {
  ...emailExpect,
  expectedSubject: OID,
  identityClaim: 'oid',
  tenantId: TENANT,
  flavor: 'entra',
  policy: { ...DEFAULT_OIDC_POLICY, requiredAcrs: ['c1'] },
};

/** A token jose has accepted (signature, iss, aud, exp), for the requester, fresh, with MFA. */
const generic = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  aud: 'client-1',
  nonce: 'nonce-1',
  auth_time: NOW - 5,
  email: 'Priya.Natarajan@customer.test',
  email_verified: true,
  amr: ['pwd', 'mfa'],
  ...extra,
});

const entra = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  aud: 'client-1',
  nonce: 'nonce-1',
  auth_time: NOW - 5,
  oid: OID,
  tid: TENANT,
  email: 'priya.natarajan@customer.test',
  acrs: ['c1'],
  ...extra,
});

describe('generic OIDC: the email identifies the requester only when the IdP verified it', () => {
  it('passes with email_verified: true (the boolean)', () => {
    expect(checkIdTokenClaims(generic(), emailExpect)).toBeUndefined();
  });

  it.each([
    ['false', false],
    ['the string "true"', 'true'],
    ['null', null],
    ['1', 1],
  ])('fails with email_verified %s, with its own reason', (_label, value) => {
    expect(checkIdTokenClaims(generic({ email_verified: value }), emailExpect)).toEqual({
      state: 'failed',
      reason: REASONS.unverifiedEmail,
    });
  });

  it('fails when email_verified is absent', () => {
    const { email_verified: _omit, ...claims } = generic();
    expect(checkIdTokenClaims(claims, emailExpect)).toEqual({ state: 'failed', reason: REASONS.unverifiedEmail });
  });

  it('another (verified) email is someone else; preferred_username or upn equal to the email do not count', () => {
    expect(checkIdTokenClaims(generic({ email: 'lukas.becker@customer.test' }), emailExpect)).toEqual({
      state: 'failed',
      reason: REASONS.wrongPerson,
    });
    const { email: _omit, ...noEmail } = generic({
      preferred_username: 'priya.natarajan@customer.test',
      upn: 'priya.natarajan@customer.test',
    });
    expect(checkIdTokenClaims(noEmail, emailExpect)).toEqual({ state: 'failed', reason: REASONS.wrongPerson });
  });
});

describe('Microsoft Entra: the object id Graph found, in the configured directory', () => {
  it('passes with the right oid and tid (case-insensitive GUIDs)', () => {
    expect(checkIdTokenClaims(entra(), entraExpect)).toBeUndefined();
    expect(checkIdTokenClaims(entra({ oid: OID.toUpperCase(), tid: TENANT.toUpperCase() }), entraExpect)).toBeUndefined();
  });

  it('fails for another account with the same email', () => {
    expect(checkIdTokenClaims(entra({ oid: '0f0f0f0f-0000-4000-8000-000000000001' }), entraExpect)).toEqual({
      state: 'failed',
      reason: REASONS.wrongPerson,
    });
    const { oid: _omit, ...noOid } = entra();
    expect(checkIdTokenClaims(noOid, entraExpect)).toEqual({ state: 'failed', reason: REASONS.wrongPerson });
  });

  it('fails for another directory, a missing tid, or no configured directory at all', () => {
    expect(checkIdTokenClaims(entra({ tid: '9188040d-6c67-4c5b-b112-36a304b66dad' }), entraExpect)).toEqual({
      state: 'failed',
      reason: REASONS.otherTenant,
    });
    const { tid: _omit, ...noTid } = entra();
    expect(checkIdTokenClaims(noTid, entraExpect)).toEqual({ state: 'failed', reason: REASONS.otherTenant });
    expect(checkIdTokenClaims(entra(), { ...entraExpect, tenantId: undefined })).toEqual({ state: 'failed', reason: REASONS.otherTenant });
  });

  it('never falls back to the email claim, even a verified one', () => {
    expect(checkIdTokenClaims(entra({ oid: '0f0f0f0f-0000-4000-8000-000000000001', email_verified: true }), entraExpect)).toEqual({
      state: 'failed',
      reason: REASONS.wrongPerson,
    });
  });
});
