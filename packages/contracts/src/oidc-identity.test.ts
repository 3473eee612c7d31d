import { describe, expect, it } from 'vitest';
import { entraLookupFilter, entraTenantOf, IdpConfigSchema, IdpRegistrationSchema } from './index';

const TENANT = '6f1c2a4e-0000-4000-8000-0000000e47a1';
const entra = {
  kind: 'oidc',
  flavor: 'entra',
  issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
  clientId: 'app',
  clientSecret: 'secret',
  subjectClaim: 'oid',
} as const;
const generic = {
  kind: 'oidc',
  flavor: 'generic',
  issuer: 'https://id.example.com',
  clientId: 'app',
  clientSecret: 'secret',
  subjectClaim: 'email',
} as const;

const issuesOf = (body: unknown) => {
  const parsed = IdpRegistrationSchema.safeParse(body);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('registering an OIDC connection: only a verified or immutable identity', () => {
  it('accepts Entra matched on oid and a generic provider matched on (verified) email', () => {
    expect(issuesOf(entra)).toEqual([]);
    expect(issuesOf(generic)).toEqual([]);
    expect(issuesOf({ ...generic, subjectClaim: undefined })).toEqual([]);
  });

  it.each(['email', 'preferred_username', 'upn', 'sub'])('refuses Entra matched on %s, naming subjectClaim', (subjectClaim) => {
    expect(issuesOf({ ...entra, subjectClaim })).toEqual([expect.stringMatching(/^subjectClaim: must be "oid" for flavor "entra"/)]);
  });

  it.each(['preferred_username', 'upn', 'sub', 'oid'])('refuses a generic provider matched on %s, naming subjectClaim', (subjectClaim) => {
    expect(issuesOf({ ...generic, subjectClaim })).toEqual([expect.stringMatching(/^subjectClaim: must be "email" for flavor "generic"/)]);
  });

  it('Entra needs its tenant-specific issuer (for tid) and a client secret (for Graph)', () => {
    for (const issuer of [
      'https://login.microsoftonline.com/common/v2.0',
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0',
      `https://login.microsoftonline.com/${TENANT}/`,
    ]) {
      expect(issuesOf({ ...entra, issuer })).toEqual([expect.stringMatching(/^issuer: must be the tenant-specific issuer/)]);
    }
    expect(issuesOf({ ...entra, clientSecret: undefined })).toEqual([
      expect.stringMatching(/^clientSecret: is required for flavor "entra".*User\.Read\.All/),
    ]);
    expect(issuesOf({ ...generic, graph: { baseUrl: 'https://graph.example.com' } })).toEqual(['graph: is only used with flavor "entra"']);
  });

  it('stored connections with the old values still parse (they fail closed at verification instead)', () => {
    for (const subjectClaim of ['email', 'preferred_username', 'upn', 'sub']) {
      expect(IdpConfigSchema.parse({ ...entra, subjectClaim })).toMatchObject({ subjectClaim });
    }
    expect(IdpConfigSchema.parse({ ...entra, subjectClaim: undefined })).toMatchObject({ subjectClaim: 'email' });
  });
});

describe('Entra helpers', () => {
  it('reads the directory id of tenant-specific v2 issuers only', () => {
    expect(entraTenantOf(`https://login.microsoftonline.com/${TENANT.toUpperCase()}/v2.0`)).toBe(TENANT);
    expect(entraTenantOf(`http://127.0.0.1:4000/${TENANT}/v2.0`)).toBe(TENANT);
    expect(entraTenantOf('https://login.microsoftonline.com/organizations/v2.0')).toBeUndefined();
    expect(entraTenantOf(`https://login.microsoftonline.com/${TENANT}`)).toBeUndefined();
    expect(entraTenantOf('not a url')).toBeUndefined();
  });

  it('builds the Graph filter on mail or userPrincipalName with OData quoting', () => {
    expect(entraLookupFilter("o'brien@bank.test")).toBe("mail eq 'o''brien@bank.test' or userPrincipalName eq 'o''brien@bank.test'");
  });
});
