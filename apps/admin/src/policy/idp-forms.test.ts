import { describe, expect, it } from 'vitest';
import { IdpRegistrationSchema } from '@vouchsafe/contracts';
import { emptyValues, fieldErrors, idpConfigOf } from './idp-forms';

describe('IdP forms', () => {
  it('builds an Okta body with the chosen way to authenticate only', () => {
    const values = { ...emptyValues('okta'), orgUrl: 'https://acme.okta.com', 'auth.apiToken': 'token-123456', 'auth.clientId': 'stale' };
    const body = idpConfigOf('okta', values);
    expect(body).toEqual({ kind: 'okta', orgUrl: 'https://acme.okta.com', auth: { apiToken: 'token-123456' } });
    expect(IdpRegistrationSchema.safeParse(body).success).toBe(true);
  });

  it('leaves empty optional fields out and names people by the claim the OIDC flavor needs', () => {
    const values = { ...emptyValues('oidc'), issuer: 'https://idp.example', clientId: 'c' };
    expect(idpConfigOf('oidc', values)).toEqual({
      kind: 'oidc',
      flavor: 'generic',
      issuer: 'https://idp.example',
      clientId: 'c',
      subjectClaim: 'email',
    });
    expect(idpConfigOf('oidc', { ...values, flavor: 'entra' })).toMatchObject({ subjectClaim: 'oid' });
  });

  it('puts the server’s 422 issues beside the field they name', () => {
    const values = emptyValues('okta');
    const { errors, rest } = fieldErrors('okta', values, [
      { path: 'orgUrl', message: 'must be https' },
      { path: 'auth', message: 'Invalid input' },
      { path: 'kind', message: 'must be "okta"' },
    ]);
    expect(errors).toEqual({ orgUrl: 'must be https', 'auth.apiToken': 'Invalid input' });
    expect(rest).toEqual(['kind: must be "okta"']);
  });
});
