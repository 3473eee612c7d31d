import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { messages } from '../messages';
import { METHODS } from '../testing/fake-sidebar';
import { renderThemed } from '../testing/render';
import { VerifyMethodPicker } from './VerifyMethodPicker';

describe('VerifyMethodPicker', () => {
  it('is operable from the keyboard: arrows skip the unavailable method, Enter starts', async () => {
    const onStart = vi.fn();
    const user = userEvent.setup();
    renderThemed(<VerifyMethodPicker methods={METHODS} isStarting={false} startLabel={messages.verify.start} onStart={onStart} />);
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('radio', { name: 'Okta Verify push' }));
    await user.keyboard('{ArrowDown}');
    expect(screen.getByRole('radio', { name: messages.verify.fallbackName('Code by SMS') })).toHaveProperty('checked', true);
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: messages.verify.start }));
    await user.keyboard('{Enter}');
    expect(onStart).toHaveBeenCalledWith('callback_sms');
  });

  it('shows the busy label and refuses a second start while starting', async () => {
    const onStart = vi.fn();
    renderThemed(<VerifyMethodPicker methods={METHODS} isStarting startLabel={messages.verify.verifyAgain} onStart={onStart} />);
    const button = screen.getByRole('button', { name: messages.verify.starting });
    expect(button.getAttribute('aria-busy')).toBe('true');
    await userEvent.setup().click(button);
    expect(onStart).not.toHaveBeenCalled();
  });
});
