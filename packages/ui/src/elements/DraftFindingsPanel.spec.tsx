import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, openSecret, parseSecretLink } from '@vouchsafe/crypto';
import { draftMessages } from '../draft/draft-messages';
import { FakeDraftHook, FakeSidebarApi, FakeSidebarHost } from '../testing/fake-sidebar';
import { sidebarRoot } from '../testing/render';
import { TicketSidebar } from './TicketSidebar';

/** Issue 12: the save hook as the sidebar registers it, with the desk's draft and save faked (the e2e runs real ZAF). */

const CARD = '4111 1111 1111 1111';

class HookedHost extends FakeSidebarHost {
  readonly draftHook = new FakeDraftHook();
}

async function setup() {
  const api = new FakeSidebarApi();
  const host = new HookedHost();
  const user = userEvent.setup();
  const view = render(<TicketSidebar api={api} host={host} pollIntervalMs={60_000} />);
  await waitFor(() => expect(sidebarRoot(view.container).dataset.state).toBe('ready'));
  // The detector is loaded lazily: the hook registers once it is there.
  await waitFor(() => expect(host.draftHook.checks.size).toBe(1));
  return { api, host, user, hook: host.draftHook };
}

const save = (hook: FakeDraftHook) => act(() => hook.save());

describe('a reply held by the save hook', () => {
  it('lets a clean reply through and holds one with a card, showing kind, count and the masked preview only', async () => {
    const { hook } = await setup();
    hook.draft = 'Hi Rita, your order ships tomorrow.';
    expect(await save(hook)).toEqual({ isAllowed: true });
    hook.draft = `Hi Rita,\nyour card: ${CARD}\nBest, Jane`;
    expect(await save(hook)).toEqual({ isAllowed: false, message: draftMessages.saveHeld });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(draftMessages.heading);
    expect(alert.textContent).toContain('card number');
    expect(alert.textContent).toMatch(/1111/);
    expect(alert.textContent).not.toContain('4111');
  });

  it('"send as a one-time secret" moves the line into a secret, puts the link in its place, and the next save goes through', async () => {
    const { api, hook, user } = await setup();
    hook.draft = `Hi Rita,\nyour card: ${CARD}\nBest, Jane`;
    await save(hook);
    await user.click(await screen.findByRole('button', { name: draftMessages.moveToSecret }));
    await screen.findByText(draftMessages.moved);
    const lines = hook.draft.split('\n');
    expect(lines[0]).toBe('Hi Rita,');
    expect(lines[1]).toMatch(/^Here is a one-time link \(expires .+\): https:\/\/vault\.example\/t\/acme\/s\/\S+#\S+$/);
    expect(lines[2]).toBe('Best, Jane');
    expect(hook.draft).not.toContain('4111');
    // What the secret holds: exactly the line with the card (opened with the link's key, as the customer would).
    expect(api.created).toHaveLength(1);
    expect(api.created[0]).toMatchObject({ kind: 'text', views: 1, ttlSeconds: 86_400 });
    const { linkKey } = parseSecretLink(lines[1]!.slice(lines[1]!.indexOf('https://')));
    const opened = await openSecret(fromBase64Url(api.created[0]!.ciphertext), linkKey);
    expect(opened).toEqual({ kind: 'text', text: `your card: ${CARD}` });
    expect(await save(hook)).toEqual({ isAllowed: true });
    expect(hook.saved).toEqual([hook.draft]);
  });

  it('"send anyway" needs a reason without findings, records only the facts, and allows that reply once', async () => {
    const { api, hook, user } = await setup();
    hook.draft = `card ${CARD}`;
    await save(hook);
    await user.click(await screen.findByRole('button', { name: draftMessages.sendAnyway }));
    const reason = screen.getByRole('textbox', { name: draftMessages.reasonLabel });
    await user.click(screen.getByRole('button', { name: draftMessages.recordAndAllow }));
    expect(await screen.findByText(draftMessages.reasonInvalid)).toBeTruthy();
    fireEvent.change(reason, { target: { value: `the card is ${CARD}` } });
    await user.click(screen.getByRole('button', { name: draftMessages.recordAndAllow }));
    expect(await screen.findByText(draftMessages.reasonHasFinding('a card number ending 1111'))).toBeTruthy();
    expect(api.draftFindings).toEqual([]);
    fireEvent.change(reason, { target: { value: 'Customer asked for it in writing' } });
    await user.click(screen.getByRole('button', { name: draftMessages.recordAndAllow }));
    await screen.findByText(draftMessages.allowed);
    expect(api.draftFindings).toEqual([
      { ticketId: '42', findings: [{ kind: 'card', tail: '1111', country: null }], reason: 'Customer asked for it in writing' },
    ]);
    expect(await save(hook)).toEqual({ isAllowed: true });
    // Once: the same reply saved again later is held again.
    expect((await save(hook)).isAllowed).toBe(false);
  });
});

describe('"check text before you send" where the desk has no save hook', () => {
  it('checks pasted text locally and moves the sensitive line into a secret, giving the reply to copy', async () => {
    const api = new FakeSidebarApi();
    const user = userEvent.setup();
    const view = render(<TicketSidebar api={api} host={new FakeSidebarHost()} pollIntervalMs={60_000} />);
    await waitFor(() => expect(sidebarRoot(view.container).dataset.state).toBe('ready'));
    await user.click(screen.getByRole('button', { name: draftMessages.checkHeading }));
    expect(screen.getByText(draftMessages.checkNoHook('Zendesk'))).toBeTruthy();
    const box = screen.getByRole('textbox', { name: draftMessages.checkLabel });
    fireEvent.change(box, { target: { value: 'Hi Rita, all good.' } });
    await user.click(screen.getByRole('button', { name: draftMessages.check }));
    expect(await screen.findByText(draftMessages.checkClean)).toBeTruthy();
    fireEvent.change(box, { target: { value: `Hi Rita,\nyour card: ${CARD}` } });
    await user.click(screen.getByRole('button', { name: draftMessages.check }));
    await user.click(await screen.findByRole('button', { name: draftMessages.moveToSecret }));
    const reply = await screen.findByRole('textbox', { name: draftMessages.checkResult });
    expect((reply as HTMLTextAreaElement).value).toMatch(
      /^Hi Rita,\nHere is a one-time link \(expires .+\): https:\/\/vault\.example\/\S+$/,
    );
    expect(api.created).toHaveLength(1);
    expect(api.draftFindings).toEqual([]);
  });
});
