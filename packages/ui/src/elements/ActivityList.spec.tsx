import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { messages } from '../messages';
import { ticketSecret } from '../testing/fake-sidebar';
import { renderThemed } from '../testing/render';
import { ActivityList } from './ActivityList';

const noop = async () => undefined;

describe('ActivityList', () => {
  it('says it is loading, then that nothing was sent yet', () => {
    const { unmount } = renderThemed(<ActivityList secrets={undefined} isStale={false} onRevoke={noop} />);
    expect(screen.getByRole('status').textContent).toBe(messages.activityLoading);
    unmount();
    renderThemed(<ActivityList secrets={[]} isStale={false} onRevoke={noop} />);
    expect(screen.getByText(messages.activityEmpty)).toBeTruthy();
    expect(screen.queryByRole('list')).toBeNull();
  });

  it('shows each status, views, expiry, agent and note state; revoke only for waiting secrets', () => {
    const secrets = [
      ticketSecret({ fingerprint: 'w0000001', status: 'waiting', viewsTotal: 3, viewsUsed: 1, noteStatus: 'pending' }),
      ticketSecret({ fingerprint: 'v0000002', status: 'viewed', viewsUsed: 1, noteStatus: 'failed', agentLabel: 'Sam Roe' }),
      ticketSecret({ fingerprint: 'e0000003', status: 'expired', kind: 'file', expiresAt: '2026-11-25T17:20:00.000Z' }),
      ticketSecret({ fingerprint: 'r0000004', status: 'revoked' }),
    ];
    renderThemed(<ActivityList secrets={secrets} isStale={false} onRevoke={noop} />);
    const items = within(screen.getByRole('list', { name: messages.activityListName })).getAllByRole('listitem');
    expect(items).toHaveLength(4);
    const [waiting, viewed, expired, revoked] = items as [HTMLElement, HTMLElement, HTMLElement, HTMLElement];

    expect(within(waiting).getByText(messages.status.waiting)).toBeTruthy();
    expect(within(waiting).getByText('1 of 3 views used')).toBeTruthy();
    expect(within(waiting).getByText(messages.notePending)).toBeTruthy();
    expect(within(waiting).getByRole('button', { name: messages.revokeName('w0000001') })).toBeTruthy();

    expect(within(viewed).getByText(messages.status.viewed)).toBeTruthy();
    expect(within(viewed).getByText('1 of 1 view used')).toBeTruthy();
    expect(within(viewed).getByText(messages.noteFailed)).toBeTruthy();
    expect(within(viewed).getByText(messages.sentBy('Sam Roe'))).toBeTruthy();

    expect(within(expired).getByText(messages.status.expired)).toBeTruthy();
    expect(within(expired).getByText('Expired 25 Nov 2026, 17:20 UTC')).toBeTruthy();
    expect(within(expired).getByText(messages.kind.file)).toBeTruthy();
    // Delivered notes are not worth the agent's attention.
    expect(within(expired).queryByText(/Note/)).toBeNull();

    expect(within(revoked).getByText(messages.status.revoked)).toBeTruthy();
    for (const item of [viewed, expired, revoked]) expect(within(item).queryByRole('button')).toBeNull();
  });

  it('says when the list may be out of date', () => {
    renderThemed(<ActivityList secrets={[ticketSecret()]} isStale onRevoke={noop} />);
    expect(screen.getByRole('status').textContent).toBe(messages.activityStale);
  });
});
