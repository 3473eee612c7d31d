import { describe, expect, it } from 'vitest';
import { CreateSecretRequestSchema, LIMITS } from '@vouchsafe/contracts';
import { fromBase64Url, openSecret } from '@vouchsafe/crypto';
import { fileProblem, sealDraft, textProblem, viewsProblem } from './secret-draft';

describe('draft limits', () => {
  it('counts text in UTF-8 bytes, not characters', () => {
    expect(textProblem('')).toBe('textMissing');
    expect(textProblem('a'.repeat(LIMITS.textBytes))).toBeUndefined();
    expect(textProblem('é'.repeat(LIMITS.textBytes / 2 + 1))).toBe('textTooLarge');
  });
  it('allows files up to 10 MiB', () => {
    expect(fileProblem(undefined)).toBe('fileMissing');
    expect(fileProblem(10 * 1024 * 1024)).toBeUndefined();
    expect(fileProblem(10 * 1024 * 1024 + 1)).toBe('fileTooLarge');
  });
  it('accepts 1 to 10 whole views', () => {
    expect(viewsProblem('1')).toBeUndefined();
    expect(viewsProblem('10')).toBeUndefined();
    for (const bad of ['0', '11', '2.5', '', 'x', '-1']) expect(viewsProblem(bad)).toBe('viewsInvalid');
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
