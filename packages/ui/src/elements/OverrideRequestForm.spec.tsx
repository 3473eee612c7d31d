import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { messages } from '../messages';
import { renderThemed } from '../testing/render';
import { OverrideRequestForm } from './OverrideRequestForm';

describe('OverrideRequestForm', () => {
  it('opens on request, requires a reason, and Cancel returns focus to the button', async () => {
    const onRequest = vi.fn(async () => true);
    const user = userEvent.setup();
    renderThemed(<OverrideRequestForm isSending={false} onRequest={onRequest} />);
    await user.click(screen.getByRole('button', { name: messages.verify.overrideRequest }));
    const reason = screen.getByRole('textbox', { name: messages.verify.overrideReasonLabel });
    expect(reason.getAttribute('aria-required')).toBe('true');
    await user.click(screen.getByRole('button', { name: messages.verify.overrideSend }));
    expect(onRequest).not.toHaveBeenCalled();
    expect(reason.getAttribute('aria-invalid')).toBe('true');
    await user.click(screen.getByRole('button', { name: messages.verify.overrideCancel }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: messages.verify.overrideRequest }));
  });

  it('sends the trimmed reason', async () => {
    const onRequest = vi.fn(async () => true);
    const user = userEvent.setup();
    renderThemed(<OverrideRequestForm isSending={false} onRequest={onRequest} />);
    await user.click(screen.getByRole('button', { name: messages.verify.overrideRequest }));
    await user.click(screen.getByRole('textbox', { name: messages.verify.overrideReasonLabel }));
    await user.paste('  known caller, phone lost  ');
    await user.click(screen.getByRole('button', { name: messages.verify.overrideSend }));
    expect(onRequest).toHaveBeenCalledWith('known caller, phone lost');
  });
});
