import type { SecretMetadata } from '@vouchsafe/contracts';
import { describe, expect, it } from 'vitest';
import { initialRevealState, revealReducer, type RevealEvent, type RevealState } from './reveal.reducer';

const metadata: SecretMetadata = {
  id: 'AbCdEfGhIjKlMnOpQrStUv',
  status: 'available',
  kind: 'text',
  expiresAt: '2030-01-01T00:00:00.000Z',
  viewsLeft: 1,
  needsPassphrase: true,
  passphraseSalt: 'AAAAAAAAAAAAAAAAAAAAAA',
};
const secret = { kind: 'text' as const, text: 'hunter2' };
const run = (state: RevealState, ...events: RevealEvent[]) => events.reduce(revealReducer, state);
const ready: RevealState = { status: 'ready', metadata };
const revealing: RevealState = { status: 'revealing', metadata };

describe('revealReducer', () => {
  it('starts loading for a complete link and incomplete otherwise', () => {
    expect(initialRevealState(true)).toEqual({ status: 'loading' });
    expect(initialRevealState(false)).toEqual({ status: 'incomplete' });
  });

  it('loads metadata into the form', () => {
    expect(run({ status: 'loading' }, { type: 'metadata_loaded', metadata })).toEqual(ready);
  });

  it.each([
    [{ kind: 'gone' } as const, { status: 'gone' }],
    [{ kind: 'unreachable' } as const, { status: 'unreachable' }],
    [{ kind: 'throttled', retryAfterSeconds: 5 } as const, { status: 'throttled', retryAfterSeconds: 5, at: 1 }],
    [{ kind: 'unexpected', status: 500 } as const, { status: 'error', reason: 'unexpected' }],
  ])('metadata failure %j -> %j', (failure, expected) => {
    expect(run({ status: 'loading' }, { type: 'metadata_failed', failure, at: 1 })).toEqual(expected);
  });

  it('an incomplete link never leaves the incomplete state', () => {
    const events: RevealEvent[] = [
      { type: 'metadata_loaded', metadata },
      { type: 'reveal_started' },
      { type: 'reveal_succeeded', secret, viewsLeft: 0 },
      { type: 'retry' },
    ];
    expect(run({ status: 'incomplete' }, ...events)).toEqual({ status: 'incomplete' });
  });

  it('reveals only from the form, and ignores a second start while revealing', () => {
    expect(run({ status: 'loading' }, { type: 'reveal_started' })).toEqual({ status: 'loading' });
    expect(run(ready, { type: 'reveal_started' })).toEqual(revealing);
    expect(run(revealing, { type: 'reveal_started' })).toBe(revealing);
    expect(run(revealing, { type: 'reveal_succeeded', secret, viewsLeft: 0 })).toEqual({
      status: 'revealed',
      secret,
      viewsLeft: 0,
    });
  });

  it('a wrong passphrase keeps the form and can be retried', () => {
    const wrong = run(revealing, { type: 'reveal_failed', failure: { kind: 'wrong-passphrase' }, at: 0 });
    expect(wrong).toEqual({ status: 'wrong-passphrase', metadata });
    expect(run(wrong, { type: 'reveal_started' })).toEqual(revealing);
    expect(run(revealing, { type: 'reveal_failed', failure: { kind: 'passphrase-required' }, at: 0 }).status).toBe('wrong-passphrase');
  });

  it('a missing passphrase is flagged without leaving the form', () => {
    expect(run(ready, { type: 'passphrase_missing' })).toEqual({ ...ready, passphraseProblem: 'missing' });
    expect(run({ status: 'gone' }, { type: 'passphrase_missing' })).toEqual({ status: 'gone' });
  });

  it.each([
    [{ kind: 'gone' } as const, 'gone'],
    [{ kind: 'wrong-key' } as const, 'wrong-key'],
    [{ kind: 'throttled' } as const, 'throttled'],
    [{ kind: 'unreachable' } as const, 'unreachable'],
    [{ kind: 'unexpected', status: 500 } as const, 'error'],
  ])('reveal failure %j -> %s', (failure, status) => {
    expect(run(revealing, { type: 'reveal_failed', failure, at: 0 }).status).toBe(status);
  });

  it('throttled and unreachable keep the form and retry returns to it', () => {
    const throttled = run(revealing, { type: 'reveal_failed', failure: { kind: 'throttled', retryAfterSeconds: 60 }, at: 9 });
    expect(throttled).toEqual({ status: 'throttled', metadata, retryAfterSeconds: 60, at: 9 });
    expect(run(throttled, { type: 'reveal_started' })).toEqual(revealing);
    const down = run(revealing, { type: 'reveal_failed', failure: { kind: 'unreachable' }, at: 0 });
    expect(run(down, { type: 'retry' })).toEqual(ready);
    expect(run({ status: 'unreachable' }, { type: 'retry' })).toEqual({ status: 'loading' });
  });

  it('a decrypt failure after reveal is an error, not a retryable state', () => {
    const failed = run(revealing, { type: 'decrypt_failed' });
    expect(failed).toEqual({ status: 'error', reason: 'decrypt' });
    expect(run(failed, { type: 'retry' }, { type: 'reveal_started' })).toEqual(failed);
  });

  it('late answers for a finished screen are ignored', () => {
    const gone: RevealState = { status: 'gone' };
    expect(run(gone, { type: 'metadata_loaded', metadata })).toBe(gone);
    expect(run(gone, { type: 'reveal_succeeded', secret, viewsLeft: 0 })).toBe(gone);
    expect(run(ready, { type: 'decrypt_failed' })).toBe(ready);
  });

  it('a verified-only secret asks to verify first, unless the page came back with a grant', () => {
    const verifyOnly: SecretMetadata = { ...metadata, needsVerification: true, verifyMethods: ['oidc'] };
    const verify = run({ status: 'loading' }, { type: 'metadata_loaded', metadata: verifyOnly });
    expect(verify).toEqual({ status: 'verify', metadata: verifyOnly });
    expect(run({ status: 'loading' }, { type: 'metadata_loaded', metadata: verifyOnly, hasGrant: true })).toEqual({
      status: 'ready',
      metadata: verifyOnly,
    });
    // No reveal from the verify screen, and only one start at a time.
    expect(run(verify, { type: 'reveal_started' })).toBe(verify);
    const verifying = run(verify, { type: 'verify_started' });
    expect(verifying).toEqual({ status: 'verifying', metadata: verifyOnly });
    expect(run(verifying, { type: 'verify_started' })).toBe(verifying);
    expect(run(verifying, { type: 'verify_failed', failure: { kind: 'throttled', retryAfterSeconds: 30 }, at: 7 })).toEqual({
      status: 'verify',
      metadata: verifyOnly,
      problem: { kind: 'throttled', retryAfterSeconds: 30, at: 7 },
    });
    expect(run(verifying, { type: 'verify_failed', failure: { kind: 'gone' }, at: 7 })).toMatchObject({ problem: { kind: 'unexpected' } });
  });

  it('a refused grant on reveal goes back to verify', () => {
    expect(run(revealing, { type: 'reveal_failed', failure: { kind: 'verification-required' }, at: 1 })).toEqual({
      status: 'verify',
      metadata,
      problem: { kind: 'grant-refused' },
    });
  });
});
