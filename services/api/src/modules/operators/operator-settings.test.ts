import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';

const BASE = { VOUCHSAFE_ALLOW_INSECURE_HELPDESKS: 'true' };
const FULL = {
  ...BASE,
  VOUCHSAFE_OPERATOR_ISSUER: 'https://id.bank.example/realms/staff',
  VOUCHSAFE_OPERATOR_CLIENT_ID: 'vouchsafe-console',
  VOUCHSAFE_OPERATOR_CLIENT_SECRET: 'example-client-secret',
  VOUCHSAFE_OPERATOR_ROLE_AUDITOR: 'vouchsafe-auditor, compliance',
};

describe('operator settings (VOUCHSAFE_OPERATOR_*)', () => {
  it('are off without an issuer', () => {
    expect(loadConfig(BASE).operators).toBeUndefined();
  });

  it('assemble roles, scopes, the claim path and the tenant restriction', () => {
    const c = loadConfig({
      ...FULL,
      VOUCHSAFE_OPERATOR_ROLES_CLAIM: 'realm_access.roles',
      VOUCHSAFE_OPERATOR_SCOPES: 'profile roles',
      VOUCHSAFE_OPERATOR_TENANTS: 'acme-zendesk, acme-jira',
    }).operators!;
    expect(c.roleValues).toEqual({ admin: [], policy_approver: [], auditor: ['vouchsafe-auditor', 'compliance'] });
    expect(c.scopes).toEqual(['openid', 'profile', 'roles']);
    expect(c.rolesClaim).toBe('realm_access.roles');
    expect(c.tenants).toEqual(['acme-zendesk', 'acme-jira']);
    expect(c.isSecure).toBe(false);
    expect(loadConfig(FULL).operators).toMatchObject({ rolesClaim: 'roles', scopes: ['openid', 'profile'], tenants: null });
  });

  it.each([
    [{ ...BASE, VOUCHSAFE_OPERATOR_CLIENT_ID: 'x' }, /VOUCHSAFE_OPERATOR_ISSUER is required/],
    [{ ...FULL, VOUCHSAFE_OPERATOR_CLIENT_ID: undefined }, /VOUCHSAFE_OPERATOR_CLIENT_ID is required/],
    [{ ...FULL, VOUCHSAFE_OPERATOR_CLIENT_SECRET: undefined }, /VOUCHSAFE_OPERATOR_CLIENT_SECRET is required/],
    [{ ...FULL, VOUCHSAFE_OPERATOR_ROLE_AUDITOR: ' , ' }, /grants no role/],
    [
      { ...FULL, VOUCHSAFE_ALLOW_INSECURE_HELPDESKS: 'false', VOUCHSAFE_OPERATOR_ISSUER: 'http://id.bank.example' },
      /VOUCHSAFE_OPERATOR_ISSUER/,
    ],
    [{ ...FULL, VOUCHSAFE_ALLOW_INSECURE_HELPDESKS: 'false', VOUCHSAFE_OPERATOR_ISSUER: 'https://10.0.0.5/' }, /VOUCHSAFE_OPERATOR_ISSUER/],
  ])('refuse a combination that cannot work (%#)', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('need an https public URL in production, and then make the cookies Secure', () => {
    const production = {
      ...FULL,
      VOUCHSAFE_ALLOW_INSECURE_HELPDESKS: 'false',
      NODE_ENV: 'production',
      VOUCHSAFE_AUDIT_CHECKPOINT_DIR: '/var/lib/vouchsafe/audit-checkpoints',
      VOUCHSAFE_PUBLIC_URL: 'http://vouchsafe.bank.example',
    };
    expect(() => loadConfig(production)).toThrow(/https VOUCHSAFE_PUBLIC_URL/);
    expect(loadConfig({ ...production, VOUCHSAFE_PUBLIC_URL: 'https://vouchsafe.bank.example' }).operators!.isSecure).toBe(true);
  });
});
