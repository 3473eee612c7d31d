import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SidebarApiError } from '@vouchsafe/contracts';
import { fromBase64Url, openSecret, parseSecretLink } from '@vouchsafe/crypto';
import { messages } from '../messages';
import { FakeSidebarApi, FakeSidebarHost, rejected, ticketSecret, unreachable, verification } from '../testing/fake-sidebar';
import { sidebarRoot } from '../testing/render';
import { TicketSidebar } from './TicketSidebar';

const LINK = /^https:\/\/vault\.example\/t\/acme\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$/;

function setup(opts: { api?: FakeSidebarApi; host?: FakeSidebarHost } = {}) {
  const api = opts.api ?? new FakeSidebarApi();
  const host = opts.host ?? new FakeSidebarHost();
  const user = userEvent.setup();
  const view = render(<TicketSidebar api={api} host={host} pollIntervalMs={60_000} />);
  return { api, host, user, root: () => sidebarRoot(view.container) };
}

async function ready(root: () => HTMLElement) {
  await waitFor(() => expect(root().dataset.state).toBe('ready'));
}

const sendButton = () => screen.getByRole('button', { name: messages.sendButton });

describe('TicketSidebar states', () => {
  it('shows loading until start answers, then the ticket the server vouched for', async () => {
    const api = new FakeSidebarApi();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const start = api.start.bind(api);
    api.start = async () => {
      await gate;
      return start();
    };
    const { root } = setup({ api });
    expect(root().dataset.state).toBe('loading');
    expect(screen.getByRole('status')).toHaveProperty('textContent', messages.loading);
    await act(async () => release());
    await ready(root);
    const summary = screen.getByRole('group', { name: messages.ticketContext });
    expect(within(summary).getByText('#42')).toBeTruthy();
    expect(within(summary).getByText('j***@e***.com')).toBeTruthy();
    expect(within(summary).getByText('Jane Doe')).toBeTruthy();
    expect(screen.getByRole('region', { name: messages.sendHeading })).toBeTruthy();
    expect(screen.getByRole('region', { name: messages.activityHeading })).toBeTruthy();
  });

  it('says the session could not be verified when start is rejected, and offers no retry', async () => {
    const api = new FakeSidebarApi();
    api.failStart = rejected();
    const { root } = setup({ api });
    await waitFor(() => expect(root().dataset.state).toBe('session-rejected'));
    expect(screen.getByRole('alert').textContent).toBe(messages.sessionRejected);
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('says Vouchsafe cannot be reached, and Retry starts again', async () => {
    const api = new FakeSidebarApi();
    api.failStart = unreachable();
    const { root, user } = setup({ api });
    await waitFor(() => expect(root().dataset.state).toBe('unreachable'));
    expect(screen.getByRole('alert').textContent).toBe(messages.unreachable);
    api.failStart = undefined;
    await user.click(screen.getByRole('button', { name: messages.retry }));
    await ready(root);
    expect(api.startCalls).toBe(2);
  });

  it('shows the server message when start is refused for another reason', async () => {
    const api = new FakeSidebarApi();
    api.failStart = new SidebarApiError('not_found', 'Ticket 42 was not found in Zendesk.', 404, 'not_found');
    const { root } = setup({ api });
    await waitFor(() => expect(root().dataset.state).toBe('failed'));
    expect(screen.getByRole('alert').textContent).toBe('Ticket 42 was not found in Zendesk.');
  });

  it('tells the host its height', async () => {
    const { host, root } = setup();
    await ready(root);
    expect(host.heights.length).toBeGreaterThan(0);
    expect(host.heights.at(-1)).toBe(document.body.scrollHeight);
  });
});

describe('TicketSidebar send', () => {
  it('encrypts text, puts the link into the reply draft and forgets the text', async () => {
    const { api, host, user, root } = setup();
    await ready(root);
    const textbox = screen.getByRole('textbox', { name: messages.textLabel });
    await user.type(textbox, 'hunter2');
    expect(screen.getByRole('combobox', { name: messages.expiryLabel })).toHaveProperty('value', String(24 * 3600));
    await user.click(sendButton());

    await screen.findByText(messages.insertedIntoReply);
    expect(api.created).toHaveLength(1);
    expect(api.created[0]).toMatchObject({ kind: 'text', ttlSeconds: 86_400, views: 1 });
    expect(JSON.stringify(api.created[0])).not.toContain('hunter2');
    expect(host.inserted).toHaveLength(1);
    const reply = host.inserted[0]!;
    expect(reply).toMatch(/^Here is a one-time link \(expires 26 Nov 2026, 16:20 UTC\): https:\/\//);
    const link = reply.slice(reply.indexOf('https://'));
    expect(link).toMatch(LINK);
    const { linkKey } = parseSecretLink(link);
    expect(await openSecret(fromBase64Url(api.created[0]!.ciphertext), linkKey)).toEqual({ kind: 'text', text: 'hunter2' });

    expect(screen.getByText(/Fingerprint f0000001 · expires 26 Nov 2026, 16:20 UTC · 1 view/)).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: messages.linkLabel })).toBeNull();
    expect(screen.getByRole('textbox', { name: messages.textLabel })).toHaveProperty('value', '');
    // The activity list refreshed right after the send.
    const list = await screen.findByRole('list', { name: messages.activityListName });
    expect(within(list).getByText('f0000001')).toBeTruthy();
  });

  it('lets the agent copy the link again while the secret is unopened, from memory only (issue 16 item 11)', async () => {
    const { api, host, user, root } = setup();
    await ready(root);
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), 'hunter2');
    await user.click(sendButton());
    await screen.findByText(messages.insertedIntoReply);
    await user.click(screen.getByRole('button', { name: messages.dismissConfirmation }));
    // The reply draft was discarded: the activity list still has the link.
    const copyAgain = await screen.findByRole('button', { name: messages.copyLinkName('f0000001') });
    expect(screen.getByText(messages.linksInMemory)).toBeTruthy();
    await user.click(copyAgain);
    const inserted = host.inserted[0]!;
    expect(await navigator.clipboard.readText()).toBe(inserted.slice(inserted.indexOf('https://')));
    // Revoked (or viewed, or expired): nothing to copy, and the link is forgotten.
    api.secrets = api.secrets.map((x) => ({ ...x, viewsUsed: 1, status: 'viewed' as const }));
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), 'second');
    await user.click(sendButton());
    await screen.findByRole('button', { name: messages.copyLinkName('f0000002') });
    await waitFor(() => expect(screen.queryByRole('button', { name: messages.copyLinkName('f0000001') })).toBeNull());
  });

  it('forgets the links on reload: a new sidebar has nothing to copy', async () => {
    const api = new FakeSidebarApi();
    api.secrets = [ticketSecret({ fingerprint: 'aaaa1111' })];
    const { root } = setup({ api });
    await ready(root);
    await screen.findByRole('list', { name: messages.activityListName });
    expect(screen.queryByRole('button', { name: messages.copyLinkName('aaaa1111') })).toBeNull();
    expect(screen.queryByText(messages.linksInMemory)).toBeNull();
  });

  it('offers the link to copy where the desk cannot insert into the reply', async () => {
    const { user, root } = setup({ host: new FakeSidebarHost(false) });
    await ready(root);
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), 'hunter2');
    await user.click(screen.getByRole('radio', { name: messages.kindText }));
    await user.selectOptions(screen.getByRole('combobox', { name: messages.expiryLabel }), '1 hour');
    await user.click(sendButton());

    await screen.findByText(messages.copyIntoReply);
    const field = screen.getByRole<HTMLInputElement>('textbox', { name: messages.linkLabel });
    expect(field.readOnly).toBe(true);
    expect(field.value).toMatch(LINK);
    await user.click(screen.getByRole('button', { name: messages.copyButton }));
    expect(await navigator.clipboard.readText()).toBe(field.value);
    expect(screen.getByText(messages.copied)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: messages.dismissConfirmation }));
    expect(screen.queryByRole('textbox', { name: messages.linkLabel })).toBeNull();
  });

  it('falls back to copy when the desk refuses the insert', async () => {
    const host = new FakeSidebarHost(true);
    host.failInsert = true;
    const { user, root } = setup({ host });
    await ready(root);
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), 'hunter2');
    await user.click(sendButton());
    await screen.findByText(messages.insertFailed);
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: messages.linkLabel }).value).toMatch(LINK);
  });

  it('sends a passphrase only as salt and check: the request alone cannot be opened', async () => {
    const { api, host, user, root } = setup();
    await ready(root);
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), 'the vault code is 4711');
    await user.type(screen.getByLabelText(messages.passphraseLabel), 'blue horse battery');
    const views = screen.getByRole('spinbutton', { name: messages.viewsLabel });
    await user.clear(views);
    await user.type(views, '3');
    await user.click(sendButton());
    await screen.findByText(messages.insertedIntoReply, {}, { timeout: 5000 });

    const request = api.created[0]!;
    const wire = JSON.stringify(request);
    expect(wire).not.toContain('4711');
    expect(wire).not.toContain('blue horse battery');
    expect(request.views).toBe(3);
    expect(request.passphraseSalt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(request.passphraseCheck).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const reply = host.inserted[0]!;
    expect(reply).toContain('open 3 times');
    expect(reply).not.toContain('blue horse battery');
    const link = /https:\/\/\S+/.exec(reply)![0];
    expect(wire).not.toContain(link.split('#')[1]);
    const { linkKey } = parseSecretLink(link);
    const ciphertext = fromBase64Url(request.ciphertext);
    await expect(openSecret(ciphertext, linkKey)).rejects.toThrow();
    const opened = await openSecret(ciphertext, linkKey, {
      passphrase: 'blue horse battery',
      passphraseSalt: fromBase64Url(request.passphraseSalt!),
    });
    expect(opened).toEqual({ kind: 'text', text: 'the vault code is 4711' });
    expect(screen.getByLabelText(messages.passphraseLabel)).toHaveProperty('value', '');
  }, 15_000);

  it('shows the server message when create fails, and keeps the text to try again', async () => {
    const api = new FakeSidebarApi();
    api.failCreate = new SidebarApiError('rejected', 'ttlSeconds must be at most 30 days', 422, 'validation_failed');
    const { user, root } = setup({ api });
    await ready(root);
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), 'hunter2');
    await user.click(sendButton());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('ttlSeconds must be at most 30 days');
    expect(screen.getByRole('textbox', { name: messages.textLabel })).toHaveProperty('value', 'hunter2');
    await user.click(within(alert).getByRole('button', { name: messages.dismissError }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('switches the whole sidebar to rejected when a send meets a dead session', async () => {
    const api = new FakeSidebarApi();
    api.failCreate = rejected();
    const { user, root } = setup({ api });
    await ready(root);
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), 'hunter2');
    await user.click(sendButton());
    await waitFor(() => expect(root().dataset.state).toBe('session-rejected'));
    expect(screen.queryByRole('textbox')).toBeNull();
  });
});

describe('TicketSidebar activity', () => {
  it('lists the ticket secrets and revokes a waiting one after confirmation', async () => {
    const api = new FakeSidebarApi();
    api.secrets = [ticketSecret({ fingerprint: 'aaaa1111' }), ticketSecret({ fingerprint: 'bbbb2222', status: 'viewed', viewsUsed: 1 })];
    const { user, root } = setup({ api });
    await ready(root);
    const list = await screen.findByRole('list', { name: messages.activityListName });
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(screen.queryByRole('button', { name: messages.revokeName('bbbb2222') })).toBeNull();

    await user.click(screen.getByRole('button', { name: messages.revokeName('aaaa1111') }));
    expect(api.revoked).toEqual([]);
    await user.click(screen.getByRole('button', { name: messages.revokeConfirm }));
    await waitFor(() => expect(api.revoked).toEqual([api.secrets[0]!.id]));
    const item = await screen.findByRole('listitem', { name: messages.fingerprint('aaaa1111') });
    await waitFor(() => expect(within(item).getByText(messages.status.revoked)).toBeTruthy());
    expect(screen.getByText(messages.revoked('aaaa1111'))).toBeTruthy();
  });

  it('shows a revoke refusal and switches to rejected on a dead session', async () => {
    const api = new FakeSidebarApi();
    api.secrets = [ticketSecret({ fingerprint: 'aaaa1111' })];
    api.failRevoke = new SidebarApiError('not_found', 'Secret aaaa… was not found.', 404, 'not_found');
    const { user, root } = setup({ api });
    await ready(root);
    await user.click(await screen.findByRole('button', { name: messages.revokeName('aaaa1111') }));
    await user.click(screen.getByRole('button', { name: messages.revokeConfirm }));
    expect((await screen.findByRole('alert')).textContent).toContain('Secret aaaa… was not found.');

    api.failRevoke = rejected();
    await user.click(screen.getByRole('button', { name: messages.revokeName('aaaa1111') }));
    await user.click(screen.getByRole('button', { name: messages.revokeConfirm }));
    await waitFor(() => expect(root().dataset.state).toBe('session-rejected'));
  });

  it('refreshes on its interval and announces a status change', async () => {
    const api = new FakeSidebarApi();
    api.secrets = [ticketSecret({ fingerprint: 'aaaa1111' })];
    const view = render(<TicketSidebar api={api} host={new FakeSidebarHost()} pollIntervalMs={30} />);
    await screen.findByRole('list', { name: messages.activityListName });
    api.secrets = [{ ...api.secrets[0]!, status: 'viewed', viewsUsed: 1 }];
    await screen.findByText(messages.statusChanged('aaaa1111', 'Viewed'));
    expect(api.listCalls).toBeGreaterThanOrEqual(2);
    view.unmount();
  });

  it('marks the list stale when a refresh fails, without an alert', async () => {
    const api = new FakeSidebarApi();
    api.failList = unreachable();
    const { root } = setup({ api });
    await ready(root);
    await screen.findByText(messages.activityStale);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('switches to rejected when a refresh meets a dead session', async () => {
    const api = new FakeSidebarApi();
    api.failList = rejected();
    const { root } = setup({ api });
    await waitFor(() => expect(root().dataset.state).toBe('session-rejected'));
  });
});

describe('TicketSidebar file', () => {
  it('refuses a file over 10 MiB before anything is encrypted, naming both sizes apart', async () => {
    const { api, user, root } = setup();
    await ready(root);
    await user.click(screen.getByRole('radio', { name: messages.kindFile }));
    const big = new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'dump.bin', { type: 'application/octet-stream' });
    fireEvent.change(screen.getByLabelText(messages.fileLabel), { target: { files: [big] } });
    expect(screen.getByText('This file is 10,485,761 bytes; the limit is 10,485,760 bytes.')).toBeTruthy();
    await user.click(sendButton());
    expect(api.created).toHaveLength(0);
  });
});

describe('TicketSidebar verify caller', () => {
  it('puts Verify caller first, then the activity, then Send secret (issue 16 item 17: activity in sight)', async () => {
    const { root } = setup();
    await ready(root);
    const headings = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent);
    expect(headings.slice(0, 3)).toEqual([messages.verify.heading, messages.activityHeading, messages.sendHeading]);
    await waitFor(() => expect(screen.getByRole('region', { name: messages.verify.heading }).dataset.verification).toBe('none'));
  });

  it('announces the live change in the sidebar live region', async () => {
    const api = new FakeSidebarApi();
    api.overview = { ...api.overview, current: verification({ state: 'started' }) };
    const { root } = setup({ api });
    await ready(root);
    await waitFor(() => expect(api.subscribers.size).toBe(1));
    await waitFor(() => expect(screen.getByRole('region', { name: messages.verify.heading }).dataset.verification).toBe('started'));
    act(() => api.push(verification({ state: 'denied', isFraudSuspected: true })));
    const live = screen.getAllByRole('status', { hidden: true }).find((el) => el.getAttribute('aria-live') === 'polite');
    expect(live?.textContent).toBe(messages.verify.denied);
  });

  it('a verification call meeting a dead session ends the sidebar, and unmounting stops the subscription', async () => {
    const api = new FakeSidebarApi();
    api.failVerify = rejected();
    const { user, root } = setup({ api });
    await ready(root);
    await user.click(await screen.findByRole('button', { name: messages.verify.start }));
    await waitFor(() => expect(root().dataset.state).toBe('session-rejected'));
    expect(api.subscribers.size).toBe(0);
    expect(api.unsubscribeCalls).toBe(1);
  });

  it('sends requiresVerification when the agent ticks "only the requester may open", and says so in the reply', async () => {
    const { api, host, user, root } = setup();
    await ready(root);
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), 'hunter2');
    await user.click(screen.getByRole('checkbox', { name: messages.verifyOnlyRequester }));
    await user.click(sendButton());
    await screen.findByText(messages.insertedIntoReply);
    expect(api.created[0]).toMatchObject({ requiresVerification: true });
    expect(host.inserted[0]).toContain('sign in to confirm it is you');
  });

  it('leaves requiresVerification out of an ordinary send', async () => {
    const { api, user, root } = setup();
    await ready(root);
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), 'hunter2');
    await user.click(sendButton());
    await screen.findByText(messages.insertedIntoReply);
    expect(api.created[0]).not.toHaveProperty('requiresVerification');
  });
});
