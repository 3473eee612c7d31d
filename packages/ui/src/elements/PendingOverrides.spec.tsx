import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { messages } from '../messages';
import { OTHER_ID, verification } from '../testing/fake-sidebar';
import { renderThemed } from '../testing/render';
import { PendingOverrides } from './PendingOverrides';

describe('PendingOverrides', () => {
  it('renders nothing without requests', () => {
    const { container } = renderThemed(
      <PendingOverrides overrides={[]} methodName={() => 'Okta Verify'} isBusy={false} onApprove={vi.fn()} onDecline={vi.fn()} />,
    );
    expect(container.querySelector('section')).toBeNull();
  });

  it('names who asked and why; approving takes a confirmation that names them too', async () => {
    const pending = verification({
      id: OTHER_ID,
      state: 'timed_out',
      override: { state: 'requested', requestedBy: 'Ann Agent', reason: 'phone broken, known voice', approvedBy: null },
    });
    const onApprove = vi.fn();
    renderThemed(
      <PendingOverrides overrides={[pending]} methodName={() => 'Okta Verify'} isBusy={false} onApprove={onApprove} onDecline={vi.fn()} />,
    );
    expect(screen.getByText('Ann Agent asks to override a timed out Okta Verify verification')).toBeTruthy();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: messages.verify.approveReviewName('Ann Agent') }));
    expect(onApprove).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: messages.verify.confirmApprove }));
    expect(onApprove).toHaveBeenCalledWith(pending);
  });
});
