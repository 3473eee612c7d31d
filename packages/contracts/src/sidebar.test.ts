import { describe, expect, it } from 'vitest';
import { CreateSecretRequestSchema, CreateTicketSecretRequestSchema } from './index';

const base = { kind: 'text', ciphertext: 'abc', keyCheck: 'a'.repeat(43) } as const;

describe('CreateTicketSecretRequestSchema', () => {
  it('adds requiresVerification (default false) to the vault create request', () => {
    expect(CreateTicketSecretRequestSchema.parse({ ...base, requiresVerification: true }).requiresVerification).toBe(true);
    expect(CreateTicketSecretRequestSchema.parse(base)).toMatchObject({ requiresVerification: false, views: 1 });
  });

  it('keeps the vault rules: strict, passphrase halves together', () => {
    expect(CreateTicketSecretRequestSchema.safeParse({ ...base, foo: 1 }).success).toBe(false);
    expect(CreateTicketSecretRequestSchema.safeParse({ ...base, passphraseSalt: 'a'.repeat(22) }).success).toBe(false);
    expect(CreateTicketSecretRequestSchema.safeParse({ ...base, requiresVerification: 'yes' }).success).toBe(false);
  });

  it('the public vault create refuses the sidebar-only field', () => {
    expect(CreateSecretRequestSchema.safeParse({ ...base, requiresVerification: true }).success).toBe(false);
  });
});
