import { describe, expect, it } from 'vitest';
import { CreateSecretRequestSchema, LIMITS, SECRET_INPUT_MESSAGES } from '@vouchsafe/contracts';
import { messages } from '../messages';
import { fromBase64Url, openSecret } from '@vouchsafe/crypto';
import { customExpiry, fileProblem, sealDraft, textProblem, viewsProblem } from './secret-draft';

describe('draft limits', () => {
  it('counts text in UTF-8 bytes, not characters', () => {
    expect(textProblem('')).toBe(SECRET_INPUT_MESSAGES.textMissing);
    expect(textProblem(' \n\t')).toBe(SECRET_INPUT_MESSAGES.textBlank);
    expect(textProblem('a'.repeat(LIMITS.textBytes))).toBeUndefined();
    expect(textProblem('é'.repeat(LIMITS.textBytes / 2 + 1))).toMatch(/^This text is 65,538 bytes; the limit is 65,536 bytes\./);
  });
  it('allows files up to 10 MiB', () => {
    expect(fileProblem(undefined)).toBe(messages.fileMissing);
    expect(fileProblem(0)).toBe(SECRET_INPUT_MESSAGES.fileEmpty);
    expect(fileProblem(10 * 1024 * 1024)).toBeUndefined();
    expect(fileProblem(10 * 1024 * 1024 + 1)).toBe('This file is 10,485,761 bytes; the limit is 10,485,760 bytes.');
  });
  it('accepts 1 to 10 whole views', () => {
    expect(viewsProblem('1')).toBeUndefined();
    expect(viewsProblem('10')).toBeUndefined();
    for (const bad of ['0', '11', '2.5', '', 'x', '-1']) expect(viewsProblem(bad)).toBe(messages.viewsInvalid);
  });
  it('turns a custom expiry into seconds within 5 minutes to 30 days', () => {
    expect(customExpiry('5', 'minutes')).toEqual({ seconds: 300 });
    expect(customExpiry('30', 'days')).toEqual({ seconds: 30 * 86_400 });
    expect(customExpiry('4', 'minutes')).toEqual({ problem: SECRET_INPUT_MESSAGES.ttlTooShort });
    expect(customExpiry('721', 'hours')).toEqual({ problem: SECRET_INPUT_MESSAGES.ttlTooLong });
    expect(customExpiry('1.5', 'days')).toEqual({ problem: messages.expiryCustomInvalid });
  });
});

describe('sealDraft', () => {
  it('produces a valid request that only the link key opens', async () => {
    const { request, linkKey } = await sealDraft({ payload: { kind: 'text', text: 'hunter2' }, ttlSeconds: 900, views: 2, passphrase: '' });
    expect(CreateSecretRequestSchema.safeParse(request).success).toBe(true);
    expect(request).toMatchObject({ kind: 'text', ttlSeconds: 900, views: 2 });
    expect(request.passphraseSalt).toBeUndefined();
    expect(JSON.stringify(request)).not.toContain('hunter2');
    expect(await openSecret(fromBase64Url(request.ciphertext), linkKey)).toEqual({ kind: 'text', text: 'hunter2' });
  });
});
