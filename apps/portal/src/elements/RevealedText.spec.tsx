import { act, fireEvent, render, screen } from '@testing-library/react';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';
import { describe, expect, it, vi } from 'vitest';
import { MESSAGES } from '../messages';
import { RevealedText } from './RevealedText';

const renderText = (writeClipboard: (t: string) => Promise<void>) =>
  render(
    <ThemeProvider theme={DEFAULT_THEME}>
      <RevealedText text={'line 1\nline 2'} writeClipboard={writeClipboard} />
    </ThemeProvider>,
  );

describe('RevealedText', () => {
  it('copies the exact text and confirms with "Copied"', async () => {
    const write = vi.fn(async () => undefined);
    renderText(write);
    expect(screen.queryByText(MESSAGES.copied)).toBeNull();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy' })));
    expect(write).toHaveBeenCalledWith('line 1\nline 2');
    expect(screen.getByRole('status').textContent).toBe(MESSAGES.copied);
  });

  it('says plainly when the clipboard refuses', async () => {
    renderText(async () => {
      throw new Error('denied');
    });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy' })));
    expect(screen.getByRole('status').textContent).toBe(MESSAGES.copyFailed);
  });
});
