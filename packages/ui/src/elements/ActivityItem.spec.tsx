import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { messages } from '../messages';
import { ticketSecret } from '../testing/fake-sidebar';
import { renderThemed } from '../testing/render';
import { ActivityItem } from './ActivityItem';

describe('ActivityItem', () => {
  const secret = ticketSecret({ fingerprint: 'aaaa1111' });
  const renderItem = (onRevoke = vi.fn(async () => undefined)) => {
    renderThemed(
      <ul>
        <ActivityItem secret={secret} onRevoke={onRevoke} />
      </ul>,
    );
    return { onRevoke, user: userEvent.setup() };
  };

  it('asks before revoking, then revokes', async () => {
    const { onRevoke, user } = renderItem();
    expect(screen.getByRole('listitem', { name: messages.fingerprint('aaaa1111') })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: messages.revokeName('aaaa1111') }));
    expect(screen.getByRole('group', { name: messages.revokeName('aaaa1111') }).textContent).toContain(messages.revokeQuestion);
    expect(onRevoke).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: messages.revokeConfirm }));
    await user.keyboard('{Enter}');
    expect(onRevoke).toHaveBeenCalledWith(secret);
  });

  it('cancels back to the Revoke button', async () => {
    const { onRevoke, user } = renderItem();
    await user.click(screen.getByRole('button', { name: messages.revokeName('aaaa1111') }));
    await user.click(screen.getByRole('button', { name: messages.revokeCancel }));
    expect(onRevoke).not.toHaveBeenCalled();
    expect(screen.queryByText(messages.revokeQuestion)).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: messages.revokeName('aaaa1111') }));
  });
});
