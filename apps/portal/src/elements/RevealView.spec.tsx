import { render, screen } from '@testing-library/react';
import type { SecretMetadata } from '@vouchsafe/contracts';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';
import { describe, expect, it, vi } from 'vitest';
import { HEADINGS, MESSAGES, WITHDRAWN_MESSAGES } from '../messages';
import type { RevealState } from '../reveal/reveal.reducer';
import { RevealView } from './RevealView';

const metadata: SecretMetadata = {
  id: 'AbCdEfGhIjKlMnOpQrStUv',
  status: 'available',
  kind: 'text',
  expiresAt: '2030-01-01T12:00:00.000Z',
  viewsLeft: 1,
  needsPassphrase: false,
};

function renderState(state: RevealState) {
  const onReveal = vi.fn();
  const onRetry = vi.fn();
  const view = render(
    <ThemeProvider theme={DEFAULT_THEME}>
      <RevealView state={state} onReveal={onReveal} onRetry={onRetry} now={() => new Date('2030-01-01T09:00:00.000Z')} />
    </ThemeProvider>,
  );
  const main = screen.getByRole('main');
  return { ...view, main, onReveal, onRetry };
}

const heading = (name: string) => screen.getByRole('heading', { level: 1, name });
const status = () => screen.getAllByRole('status')[0]!;

describe('RevealView', () => {
  it('loading', () => {
    const { main } = renderState({ status: 'loading' });
    expect(main.dataset.state).toBe('loading');
    expect(heading(HEADINGS.loading)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Reveal' })).toBeNull();
  });

  it('ready: says what is waiting, when it expires, views left, and offers Reveal', () => {
    const { main } = renderState({ status: 'ready', metadata });
    expect(main.dataset.state).toBe('ready');
    expect(heading(HEADINGS.readyText)).toBeTruthy();
    const about = screen.getByRole('group', { name: 'About this secret' });
    expect(about.textContent).toContain('A text secret');
    expect(about.textContent).toContain('in 3 hours');
    expect(about.textContent).toContain('1 view left');
    expect(about.querySelector('time')?.getAttribute('dateTime')).toBe(metadata.expiresAt);
    expect(screen.queryByLabelText('Passphrase')).toBeNull();
    expect(screen.getByRole('button', { name: 'Reveal' })).toBeTruthy();
  });

  it('ready with a passphrase shows a labelled field; wrong passphrase marks it invalid', () => {
    const withPass = { ...metadata, kind: 'file' as const, needsPassphrase: true, passphraseSalt: 'AAAAAAAAAAAAAAAAAAAAAA' };
    const { rerender, main } = renderState({ status: 'ready', metadata: withPass });
    expect(heading(HEADINGS.readyFile)).toBeTruthy();
    const input = screen.getByLabelText('Passphrase');
    expect(input.getAttribute('type')).toBe('password');
    rerender(
      <ThemeProvider theme={DEFAULT_THEME}>
        <RevealView state={{ status: 'wrong-passphrase', metadata: withPass }} onReveal={vi.fn()} onRetry={vi.fn()} />
      </ThemeProvider>,
    );
    expect(main.dataset.state).toBe('wrong-passphrase');
    const field = screen.getByLabelText('Passphrase');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(MESSAGES.passphraseWrong)).toBeTruthy();
    expect(document.activeElement).toBe(field);
  });

  it('revealing disables Reveal and says so', () => {
    const { main } = renderState({ status: 'revealing', metadata });
    expect(main.dataset.state).toBe('revealing');
    expect(main.getAttribute('aria-busy')).toBe('true');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Reveal' }).disabled).toBe(true);
    expect(screen.getByText(MESSAGES.revealing)).toBeTruthy();
  });

  it('revealed text: Secret text area, Copy button, deletion notice', () => {
    const { main } = renderState({ status: 'revealed', secret: { kind: 'text', text: 'hunter2' }, viewsLeft: 0 });
    expect(main.dataset.state).toBe('revealed');
    expect(heading(HEADINGS.revealedText)).toBeTruthy();
    const area = screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Secret' });
    expect(area.value).toBe('hunter2');
    expect(area.readOnly).toBe(true);
    expect(screen.getByRole('button', { name: 'Copy' })).toBeTruthy();
    expect(status().textContent).toBe(MESSAGES.deleted);
  });

  it('revealed file with views remaining: Download button and views left', () => {
    renderState({
      status: 'revealed',
      secret: { kind: 'file', name: 'statement.pdf', type: 'application/pdf', bytes: new Uint8Array(2048) },
      viewsLeft: 2,
    });
    expect(heading(HEADINGS.revealedFile)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Download' })).toBeTruthy();
    const details = screen.getByRole('group', { name: 'File details' });
    expect(details.textContent).toContain('statement.pdf');
    expect(details.textContent).toContain('2.0 KiB');
    expect(status().textContent).toContain('2 views left');
  });

  it.each([
    [{ status: 'gone' } as const, 'gone', HEADINGS.gone, MESSAGES.gone],
    [{ status: 'withdrawn', reason: 'ticket_closed' } as const, 'withdrawn', HEADINGS.withdrawn, WITHDRAWN_MESSAGES.ticket_closed],
    [{ status: 'withdrawn', reason: 'ticket_merged' } as const, 'withdrawn', HEADINGS.withdrawn, WITHDRAWN_MESSAGES.ticket_merged],
    [{ status: 'incomplete' } as const, 'incomplete', HEADINGS.incomplete, MESSAGES.incomplete],
    [{ status: 'wrong-key' } as const, 'wrong-key', HEADINGS.wrongKey, MESSAGES.wrongKey],
    [{ status: 'error', reason: 'decrypt' } as const, 'error', HEADINGS.decrypt, MESSAGES.decrypt],
    [{ status: 'error', reason: 'unexpected' } as const, 'error', HEADINGS.unexpected, MESSAGES.unexpected],
  ])('terminal state %j', (state, dataState, headingText, message) => {
    const { main } = renderState(state);
    expect(main.dataset.state).toBe(dataState);
    expect(heading(headingText)).toBeTruthy();
    expect(status().textContent).toBe(message);
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('unreachable offers Try again', () => {
    const { main, onRetry } = renderState({ status: 'unreachable' });
    expect(main.dataset.state).toBe('unreachable');
    expect(heading(HEADINGS.unreachable)).toBeTruthy();
    screen.getByRole('button', { name: 'Try again' }).click();
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('throttled keeps the form and says when to try again', () => {
    const at = Date.parse('2030-01-01T09:00:00.000Z');
    const { main } = renderState({ status: 'throttled', metadata, retryAfterSeconds: 300, at });
    expect(main.dataset.state).toBe('throttled');
    expect(status().textContent).toContain('Try again in 5 minutes');
    expect(screen.getByRole('button', { name: 'Reveal' })).toBeTruthy();
  });
});
