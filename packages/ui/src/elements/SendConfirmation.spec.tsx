import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { messages } from '../messages';
import type { SentSecret } from '../send/send-secret';
import { renderThemed } from '../testing/render';
import { SendConfirmation } from './SendConfirmation';

const LINK = 'https://vault.example/t/acme/s/AAAAAAAAAAAAAAAAAAAAAA#key';
const base = { id: 'AAAAAAAAAAAAAAAAAAAAAA', fingerprint: '3f9a1c2e', expiresAt: '2026-11-25T17:20:00.000Z', views: 2, link: LINK };

describe('SendConfirmation', () => {
  it('confirms the reply insert with fingerprint and expiry, and shows no link', () => {
    const sent: SentSecret = { ...base, delivery: 'inserted' };
    renderThemed(<SendConfirmation sent={sent} onDismiss={() => undefined} />);
    expect(screen.getByText(messages.insertedIntoReply)).toBeTruthy();
    expect(screen.getByText('Fingerprint 3f9a1c2e · expires 25 Nov 2026, 17:20 UTC · 2 views')).toBeTruthy();
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(document.body.textContent).not.toContain('https://');
  });

  it('shows the link phrase for the agent to read out (issue 14)', () => {
    renderThemed(<SendConfirmation sent={{ ...base, delivery: 'inserted', phrase: 'maple river comet' }} onDismiss={() => undefined} />);
    const group = screen.getByRole('group', { name: messages.phraseLabel });
    expect(group.textContent).toContain('maple river comet');
    expect(group.textContent).toContain(messages.phraseHint);
  });

  it('copies the link in one click', async () => {
    const write = vi.fn(async () => undefined);
    renderThemed(<SendConfirmation sent={{ ...base, delivery: 'copy', link: LINK }} onDismiss={() => undefined} writeClipboard={write} />);
    expect(screen.getByText(messages.copyIntoReply)).toBeTruthy();
    const field = screen.getByRole<HTMLInputElement>('textbox', { name: messages.linkLabel });
    expect(field.readOnly).toBe(true);
    expect(field.value).toBe(LINK);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: messages.copyButton })));
    expect(write).toHaveBeenCalledWith(LINK);
    expect(screen.getByText(messages.copied)).toBeTruthy();
  });

  it('selects the link for Ctrl+C when the clipboard is refused', async () => {
    renderThemed(
      <SendConfirmation
        sent={{ ...base, delivery: 'insert-failed', link: LINK }}
        onDismiss={() => undefined}
        writeClipboard={() => Promise.reject(new Error('denied'))}
      />,
    );
    expect(screen.getByText(messages.insertFailed)).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: messages.copyButton })));
    const field = screen.getByRole<HTMLInputElement>('textbox', { name: messages.linkLabel });
    expect(document.activeElement).toBe(field);
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, LINK.length]);
    expect(screen.getByText(messages.copyFailed)).toBeTruthy();
  });

  it('is dismissed with Done', () => {
    const onDismiss = vi.fn();
    renderThemed(<SendConfirmation sent={{ ...base, delivery: 'inserted' }} onDismiss={onDismiss} />);
    fireEvent.click(screen.getByRole('button', { name: messages.dismissConfirmation }));
    expect(onDismiss).toHaveBeenCalledTimes(1);
  });
});
