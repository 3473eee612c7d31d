import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HEADINGS, MESSAGES } from '../messages';
import { createFakeVault, SECRET_ID } from '../testing/fake-vault';
import { App } from './App';
import { RevealPage } from './RevealPage';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';

describe('App', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows the landing page at / with no form', async () => {
    const vault = await createFakeVault({ kind: 'text', text: 'x' });
    render(<App location={{ pathname: '/', hash: '' }} api={vault.api} />);
    expect(screen.getByRole('heading', { level: 1, name: 'Vouchsafe' })).toBeTruthy();
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
    expect(vault.calls.getMetadata).toBe(0);
  });

  it("derives the API prefix from a tenant link's own path (/t/{slug}/s/{id})", async () => {
    const vault = await createFakeVault({ kind: 'text', text: 'x' });
    const fetchImpl = vi.fn(async () => new Response(JSON.stringify({ error: { code: 'secret_gone', message: 'gone' } }), { status: 404 }));
    vi.stubGlobal('fetch', fetchImpl);
    render(<App location={{ pathname: `/t/acme-zendesk/s/${SECRET_ID}`, hash: vault.hash }} />);
    await waitFor(() => expect(screen.getByRole('main').dataset.state).toBe('gone'));
    expect((fetchImpl.mock.calls[0] as unknown as [string])[0]).toBe(`/api/v1/t/acme-zendesk/secrets/${SECRET_ID}`);
  });

  it('an incomplete link says so and calls nothing', async () => {
    const vault = await createFakeVault({ kind: 'text', text: 'x' });
    render(<App location={{ pathname: `/s/${SECRET_ID}`, hash: '#abc' }} api={vault.api} />);
    expect(screen.getByRole('main').dataset.state).toBe('incomplete');
    expect(screen.getByRole('heading', { name: HEADINGS.incomplete })).toBeTruthy();
    expect(vault.calls).toEqual({ getMetadata: 0, reveal: [], verify: [] });
  });

  it('opening the link consumes nothing; Reveal shows the text and says it is deleted', async () => {
    const vault = await createFakeVault({ kind: 'text', text: 'Temp password: Zq7!pL-4' });
    render(<App location={{ pathname: `/s/${SECRET_ID}`, hash: vault.hash }} api={vault.api} />);
    expect(screen.getByRole('main').dataset.state).toBe('loading');
    const button = await screen.findByRole('button', { name: 'Reveal' });
    expect(screen.getByRole('main').dataset.state).toBe('ready');
    expect(vault.calls.reveal).toHaveLength(0);

    await act(async () => fireEvent.click(button));
    await waitFor(() => expect(screen.getByRole('main').dataset.state).toBe('revealed'));
    expect(screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Secret' }).value).toBe('Temp password: Zq7!pL-4');
    expect(screen.getByText(MESSAGES.deleted)).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: HEADINGS.revealedText }));
  });

  it('a wrong passphrase keeps the form with a field error; the right one reveals the file', async () => {
    const vault = await createFakeVault(
      { kind: 'file', name: 'letter.pdf', type: 'application/pdf', bytes: new Uint8Array([37, 80, 68, 70]) },
      { passphrase: 'correct horse' },
    );
    render(
      <ThemeProvider theme={DEFAULT_THEME}>
        <RevealPage target={{ id: SECRET_ID, linkKey: vault.linkKey }} api={vault.api} iterations={1_000} />
      </ThemeProvider>,
    );
    const input = await screen.findByLabelText('Passphrase');
    fireEvent.change(input, { target: { value: 'wrong horse' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Reveal' })));
    await waitFor(() => expect(screen.getByRole('main').dataset.state).toBe('wrong-passphrase'));
    expect(screen.getByText(MESSAGES.passphraseWrong)).toBeTruthy();
    expect(vault.viewsLeft).toBe(1);

    fireEvent.change(screen.getByLabelText('Passphrase'), { target: { value: 'correct horse' } });
    await act(async () => fireEvent.submit(screen.getByRole('form', { name: 'Reveal the secret' })));
    await waitFor(() => expect(screen.getByRole('main').dataset.state).toBe('revealed'));
    expect(screen.getByRole('button', { name: 'Download' })).toBeTruthy();
    expect(screen.getByText('letter.pdf')).toBeTruthy();
  });

  it('a secret that is gone shows the one gone message', async () => {
    const vault = await createFakeVault({ kind: 'text', text: 'x' }, { views: 0 });
    render(<App location={{ pathname: `/s/${SECRET_ID}`, hash: vault.hash }} api={vault.api} />);
    await waitFor(() => expect(screen.getByRole('main').dataset.state).toBe('gone'));
    expect(screen.getByText(MESSAGES.gone)).toBeTruthy();
  });

  it('too many attempts shows the retry time after Reveal', async () => {
    const vault = await createFakeVault({ kind: 'text', text: 'x' });
    vault.failNextReveal({ kind: 'throttled', retryAfterSeconds: 120 });
    render(<App location={{ pathname: `/s/${SECRET_ID}`, hash: vault.hash }} api={vault.api} />);
    const button = await screen.findByRole('button', { name: 'Reveal' });
    await act(async () => fireEvent.click(button));
    await waitFor(() => expect(screen.getByRole('main').dataset.state).toBe('throttled'));
    expect(screen.getAllByRole('status')[0]!.textContent).toContain('Try again in 2 minutes');
  });
});
