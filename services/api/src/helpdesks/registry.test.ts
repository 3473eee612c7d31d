import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DESK_LABELS, DESKS, TenantCreateRequestSchema, type TenantCreateRequest } from '@vouchsafe/contracts';
import { DESK_DESCRIPTORS, registrationOf } from './registry';

const publicKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const zendesk = (over: Partial<Extract<TenantCreateRequest, { desk: 'zendesk' }>> = {}): TenantCreateRequest =>
  TenantCreateRequestSchema.parse({
    desk: 'zendesk',
    slug: 'acme',
    name: 'Acme',
    subdomain: 'acme',
    publicKeyPem,
    installationId: '123',
    credentials: { email: 'admin@acme.example', apiToken: 'token-123456' },
    ...over,
  });
const allowAll = { registrationProblem: async () => undefined, policy: { allowInsecure: false, allow: [] } } as never;

describe('the help-desk registry', () => {
  it('has one descriptor per desk the contracts know, each registered under its own desk and name', () => {
    expect(Object.keys(DESK_DESCRIPTORS).sort()).toEqual([...DESKS].sort());
    for (const desk of DESKS) {
      expect(DESK_DESCRIPTORS[desk].desk).toBe(desk);
      expect(DESK_DESCRIPTORS[desk].name).toBe(DESK_LABELS[desk]);
    }
  });

  it('reads a registration through its desk: account, public material only, default API base', () => {
    const reg = registrationOf(zendesk());
    expect(reg.account).toBe('acme');
    expect(reg.verification).toEqual({ subdomain: 'acme', installationId: '123', publicKeyPem });
    expect(JSON.stringify(reg.verification)).not.toContain('token-123456');
    expect(DESK_DESCRIPTORS.zendesk.defaultApiBaseUrl('acme', reg.verification)).toBe('https://acme.zendesk.com');
  });

  it('names every field a registration must fix: a key that is not an RSA public key, a URL the outbound rules refuse', async () => {
    expect(await registrationOf(zendesk()).issues(allowAll)).toEqual([]);
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const refuse = {
      registrationProblem: async (url: string) => (url.includes('internal') ? 'is not a public host' : undefined),
      policy: { allowInsecure: false, allow: [] },
    } as never;
    const issues = await registrationOf(zendesk({ publicKeyPem: ecKey, apiBaseUrl: 'https://internal.example' })).issues(refuse);
    expect(issues.map((i) => i.path).sort()).toEqual(['apiBaseUrl', 'publicKeyPem']);
  });
});
