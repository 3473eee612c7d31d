import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';
import { describe, expect, it, vi } from 'vitest';
import { HEADINGS, MESSAGES, VERIFY_BUTTONS } from '../messages';
import { linkKeyStorageKey } from '../reveal/verify-return';
import { memoryStorage } from '../testing/memory-storage';
import { createFakeVault, GRANT, IDP_URL, SECRET_ID } from '../testing/fake-vault';
import { App } from './App';

const PATH = `/t/acme/s/${SECRET_ID}`;
const main = () => screen.getByRole('main');

async function verifiedOnlyVault() {
  return createFakeVault({ kind: 'text', text: 'Temp password: Zq7!pL-4' }, { verifyMethods: ['oidc', 'duo_universal'] });
}

function renderApp(props: Parameters<typeof App>[0]) {
  return render(
    <ThemeProvider theme={DEFAULT_THEME}>
      <App {...props} />
    </ThemeProvider>,
  );
}

describe("Verify it's you (secrets for the ticket's requester only)", () => {
  it('asks to verify instead of offering Reveal, keeps the key for the way back and goes to the IdP', async () => {
    const vault = await verifiedOnlyVault();
    const storage = memoryStorage();
    const navigate = vi.fn();
    renderApp({ location: { pathname: PATH, hash: vault.hash, search: '' }, api: vault.api, storage, navigate });
    await waitFor(() => expect(main().dataset.state).toBe('verify'));
    expect(screen.getByRole('heading', { level: 1, name: HEADINGS.verify })).toBeTruthy();
    expect(screen.getByText(MESSAGES.verifyIntro)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Reveal' })).toBeNull();
    expect(screen.getByRole('button', { name: VERIFY_BUTTONS.duo_universal })).toBeTruthy();

    await act(async () => fireEvent.click(screen.getByRole('button', { name: VERIFY_BUTTONS.oidc })));
    expect(storage.items.get(linkKeyStorageKey(SECRET_ID))).toBe(vault.hash.slice(1));
    // The start carries the link key's check (the fake vault refuses any other), then the browser goes to the IdP.
    await waitFor(() => expect(navigate).toHaveBeenCalledWith(IDP_URL));
    expect(vault.calls.verify).toEqual(['oidc']);
    expect(main().dataset.state).toBe('verifying');
    expect(vault.calls.reveal).toEqual([]);
  });

  it('back with ?grant=: restores and deletes the key, cleans the address bar, reveals with the grant', async () => {
    const vault = await verifiedOnlyVault();
    const storage = memoryStorage();
    storage.setItem(linkKeyStorageKey(SECRET_ID), vault.hash.slice(1));
    const history = { state: null, replaceState: vi.fn() };
    renderApp({ location: { pathname: PATH, hash: '', search: `?grant=${GRANT}` }, api: vault.api, storage, history });
    const button = await screen.findByRole('button', { name: 'Reveal' });
    expect(storage.items.size).toBe(0);
    expect(history.replaceState).toHaveBeenCalledWith(null, '', PATH);
    await act(async () => fireEvent.click(button));
    await waitFor(() => expect(main().dataset.state).toBe('revealed'));
    expect(vault.calls.reveal[0]?.grant).toBe(GRANT);
    expect(screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Secret' }).value).toBe('Temp password: Zq7!pL-4');
  });

  it('back without the kept key (another tab or browser): says how to recover, fetches nothing', async () => {
    const vault = await verifiedOnlyVault();
    renderApp({
      location: { pathname: PATH, hash: '', search: `?grant=${GRANT}` },
      api: vault.api,
      storage: memoryStorage(),
      history: { state: null, replaceState: vi.fn() },
    });
    expect(main().dataset.state).toBe('incomplete');
    expect(screen.getByText(MESSAGES.keyLost)).toBeTruthy();
    expect(vault.calls.getMetadata).toBe(0);
  });

  it('a refused grant goes back to the verify screen and says why', async () => {
    const vault = await verifiedOnlyVault();
    const storage = memoryStorage();
    storage.setItem(linkKeyStorageKey(SECRET_ID), vault.hash.slice(1));
    renderApp({
      location: { pathname: PATH, hash: '', search: `?grant=${'H'.repeat(43)}` },
      api: vault.api,
      storage,
      history: { state: null, replaceState: vi.fn() },
    });
    const target = await screen.findByRole('button', { name: 'Reveal' });
    await act(async () => fireEvent.click(target));
    await waitFor(() => expect(main().dataset.state).toBe('verify'));
    expect(screen.getByText(MESSAGES.verifyGrantRefused)).toBeTruthy();
    expect(vault.viewsLeft).toBe(1);
  });

  it('a failed start stays on the verify screen with the reason, and does not navigate', async () => {
    const vault = await verifiedOnlyVault();
    vault.failNextVerify({ kind: 'throttled', retryAfterSeconds: 60 });
    const navigate = vi.fn();
    renderApp({ location: { pathname: PATH, hash: vault.hash }, api: vault.api, storage: memoryStorage(), navigate });
    const target = await screen.findByRole('button', { name: VERIFY_BUTTONS.oidc });
    await act(async () => fireEvent.click(target));
    await waitFor(() => expect(main().dataset.state).toBe('verify'));
    expect(screen.getAllByRole('status')[0]!.textContent).toContain('Try again in 1 minute');
    expect(navigate).not.toHaveBeenCalled();

    vault.failNextVerify({ kind: 'unreachable' });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: VERIFY_BUTTONS.duo_universal })));
    await waitFor(() => expect(screen.getByText(MESSAGES.verifyUnreachable)).toBeTruthy());
  });

  it('refuses to leave without storage for the key', async () => {
    const vault = await verifiedOnlyVault();
    const navigate = vi.fn();
    const noStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    renderApp({ location: { pathname: PATH, hash: vault.hash }, api: vault.api, storage: noStorage, navigate });
    const target = await screen.findByRole('button', { name: VERIFY_BUTTONS.oidc });
    await act(async () => fireEvent.click(target));
    await waitFor(() => expect(screen.getByText(MESSAGES.verifyUnexpected)).toBeTruthy());
    expect(navigate).not.toHaveBeenCalled();
    expect(vault.calls.verify).toEqual([]);
  });

  it('says so when the tenant offers no way to verify', async () => {
    const vault = await createFakeVault({ kind: 'text', text: 'x' }, { verifyMethods: [] });
    renderApp({ location: { pathname: PATH, hash: vault.hash }, api: vault.api, storage: memoryStorage() });
    await waitFor(() => expect(main().dataset.state).toBe('verify'));
    expect(screen.getByText(MESSAGES.verifyNoMethod)).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });
});
