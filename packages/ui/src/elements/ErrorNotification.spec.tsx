import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { messages } from '../messages';
import { renderThemed } from '../testing/render';
import { ErrorNotification } from './ErrorNotification';

describe('ErrorNotification', () => {
  it('is an alert with the message and a labelled dismiss button', () => {
    const onDismiss = vi.fn();
    renderThemed(<ErrorNotification message="Secret 7Hq… has already been viewed." onDismiss={onDismiss} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain(messages.errorTitle);
    expect(alert.textContent).toContain('Secret 7Hq… has already been viewed.');
    fireEvent.click(screen.getByRole('button', { name: messages.dismissError }));
    expect(onDismiss).toHaveBeenCalledTimes(1);
  });
});
