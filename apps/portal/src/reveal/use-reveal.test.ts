import { act, renderHook, waitFor } from '@testing-library/react';
import { fromBase64Url, toBase64Url } from '@vouchsafe/crypto';
import { describe, expect, it } from 'vitest';
import type { RevealApi } from '../api/reveal-api';
import { createFakeVault, SECRET_ID, TEST_ITERATIONS } from '../testing/fake-vault';
import { useReveal, type RevealTarget } from './use-reveal';

function setup(target: RevealTarget | undefined, api: RevealApi) {
  return renderHook(() => useReveal(target, { api, iterations: TEST_ITERATIONS }));
}

describe('useReveal', () => {
  it('loads metadata without consuming, then reveals and decrypts on request', async () => {
    const vault = await createFakeVault({ kind: 'text', text: 'PIN 4711 ✓' });
    const { result } = setup({ id: SECRET_ID, linkKey: vault.linkKey }, vault.api);
    expect(result.current.state.status).toBe('loading');
    await waitFor(() => expect(result.current.state.status).toBe('ready'));
    expect(vault.calls.reveal).toHaveLength(0);
    expect(vault.viewsLeft).toBe(1);

    await act(() => result.current.reveal(''));
    expect(result.current.state).toEqual({ status: 'revealed', secret: { kind: 'text', text: 'PIN 4711 ✓' }, viewsLeft: 0 });
    expect(vault.calls.reveal).toHaveLength(1);
    expect(vault.calls.reveal[0]).not.toHaveProperty('passphraseCheck');
  });

  it('does nothing at all for an incomplete link', async () => {
    const vault = await createFakeVault({ kind: 'text', text: 'x' });
    const { result } = setup(undefined, vault.api);
    await act(() => result.current.reveal('anything'));
    expect(result.current.state.status).toBe('incomplete');
    expect(vault.calls).toEqual({ getMetadata: 0, reveal: [], verify: [] });
  });

  it('wrong passphrase stays on the form, consumes nothing, and the right one then works', async () => {
    const vault = await createFakeVault({ kind: 'text', text: 's3cret' }, { passphrase: 'blue horse' });
    const { result } = setup({ id: SECRET_ID, linkKey: vault.linkKey }, vault.api);
    await waitFor(() => expect(result.current.state.status).toBe('ready'));

    await act(() => result.current.reveal(''));
    expect(result.current.state).toMatchObject({ status: 'ready', passphraseProblem: 'missing' });
    expect(vault.calls.reveal).toHaveLength(0);

    await act(() => result.current.reveal('blue hose'));
    expect(result.current.state.status).toBe('wrong-passphrase');
    expect(vault.viewsLeft).toBe(1);

    await act(() => result.current.reveal('blue horse'));
    expect(result.current.state).toMatchObject({ status: 'revealed', secret: { kind: 'text', text: 's3cret' } });
  });

  it('a wrong link key is refused by the server before anything is consumed', async () => {
    const vault = await createFakeVault({ kind: 'text', text: 'x' });
    const wrongKey = vault.linkKey.slice();
    wrongKey[0]! ^= 1;
    const { result } = setup({ id: SECRET_ID, linkKey: wrongKey }, vault.api);
    await waitFor(() => expect(result.current.state.status).toBe('ready'));
    await act(() => result.current.reveal(''));
    expect(result.current.state.status).toBe('wrong-key');
    expect(vault.viewsLeft).toBe(1);
  });

  it('a ciphertext the link key cannot open ends in a decrypt error', async () => {
    const vault = await createFakeVault({ kind: 'text', text: 'x' });
    // The server accepts the checks but hands back a ciphertext that does not authenticate.
    const api: RevealApi = {
      getMetadata: vault.api.getMetadata,
      startVerification: vault.api.startVerification,
      async reveal(id, body) {
        const res = await vault.api.reveal(id, body);
        if (!res.ok) return res;
        const bytes = fromBase64Url(res.value.ciphertext);
        bytes[bytes.length - 1]! ^= 1;
        return { ok: true, value: { ...res.value, ciphertext: toBase64Url(bytes) } };
      },
    };
    const { result } = setup({ id: SECRET_ID, linkKey: vault.linkKey }, api);
    await waitFor(() => expect(result.current.state.status).toBe('ready'));
    await act(() => result.current.reveal(''));
    expect(result.current.state).toEqual({ status: 'error', reason: 'decrypt' });
  });

  it('retries metadata after the API was unreachable', async () => {
    const vault = await createFakeVault({ kind: 'file', name: 'a.pdf', type: 'application/pdf', bytes: new Uint8Array([1]) });
    let isDown = true;
    const api: RevealApi = {
      getMetadata: async (id) => (isDown ? { ok: false, failure: { kind: 'unreachable' } } : vault.api.getMetadata(id)),
      reveal: vault.api.reveal,
      startVerification: vault.api.startVerification,
    };
    const { result } = setup({ id: SECRET_ID, linkKey: vault.linkKey }, api);
    await waitFor(() => expect(result.current.state.status).toBe('unreachable'));
    isDown = false;
    act(() => result.current.retry());
    await waitFor(() => expect(result.current.state.status).toBe('ready'));
  });

  it('sends only one reveal for a double click', async () => {
    const vault = await createFakeVault({ kind: 'text', text: 'x' }, { views: 2 });
    const { result } = setup({ id: SECRET_ID, linkKey: vault.linkKey }, vault.api);
    await waitFor(() => expect(result.current.state.status).toBe('ready'));
    await act(() => Promise.all([result.current.reveal(''), result.current.reveal('')]));
    expect(vault.calls.reveal).toHaveLength(1);
    expect(result.current.state).toMatchObject({ status: 'revealed', viewsLeft: 1 });
  });
});
