import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SidebarApiError, type Verification } from '@vouchsafe/contracts';
import { messages } from '../messages';
import { FakeSidebarApi, METHODS, OTHER_ID, V_ID, verification } from '../testing/fake-sidebar';
import { renderThemed } from '../testing/render';
import { VerifyCaller } from './VerifyCaller';

const NOW = new Date('2026-11-25T16:00:00.000Z');
const v = messages.verify;

function setup(api = new FakeSidebarApi()) {
  const errors: unknown[] = [];
  const announced: string[] = [];
  const user = userEvent.setup();
  const view = renderThemed(<VerifyCaller api={api} onError={(e) => errors.push(e)} announce={(t) => announced.push(t)} />);
  const section = () => screen.getByRole('region', { name: v.heading });
  return { api, errors, announced, user, view, section, state: () => section().dataset.verification };
}

const tick = (ms: number) =>
  act(async () => {
    vi.advanceTimersByTime(ms);
  });
const push = (api: FakeSidebarApi, change: Verification) =>
  act(async () => {
    api.push(change);
  });

/** An api whose overview already holds this verification as the agent's current one. */
function withCurrent(current: Verification, extra: Partial<FakeSidebarApi['overview']> = {}) {
  const api = new FakeSidebarApi();
  api.overview = { ...api.overview, current, ...extra };
  return api;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

describe('VerifyCaller: choosing and starting', () => {
  it('lists the methods in policy order: unavailable ones disabled with their reason, the fallback marked', async () => {
    const { section, state } = setup();
    expect(state()).toBe('loading');
    await waitFor(() => expect(state()).toBe('none'));
    const group = within(section()).getByRole('group', { name: v.methodLegend });
    const radios = within(group).getAllByRole('radio');
    expect(radios.map((r) => (r as HTMLInputElement).value)).toEqual(['okta_push', 'duo_push', 'callback_sms']);
    expect(within(group).getByRole('radio', { name: 'Okta Verify push' })).toHaveProperty('checked', true);
    const duo = within(group).getByRole('radio', { name: 'Duo push' });
    expect(duo).toHaveProperty('disabled', true);
    expect(duo.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(duo.getAttribute('aria-describedby')!)?.textContent).toBe('The caller has no Duo push device.');
    expect(within(group).getByRole('radio', { name: v.fallbackName('Code by SMS') })).toHaveProperty('disabled', false);
  });

  it('keeps a final answer that arrived before the start request answered (a fast IdP)', async () => {
    const api = new FakeSidebarApi();
    const started = verification({ id: V_ID, method: 'okta_push', state: 'started' });
    api.startVerification = async () => {
      // The live event (and the overview it triggers) overtakes the POST's answer.
      api.overview = { ...api.overview, current: { ...started, state: 'timed_out', finishedAt: NOW.toISOString() } };
      api.push({ ...started, state: 'timed_out', finishedAt: NOW.toISOString() });
      await new Promise((resolve) => setTimeout(resolve, 20));
      return started;
    };
    const { user, state } = setup(api);
    await waitFor(() => expect(state()).toBe('none'));
    await user.click(screen.getByRole('button', { name: v.start }));
    await waitFor(() => expect(state()).toBe('timed_out'));
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(state()).toBe('timed_out');
  });

  it('keeps a final answer heard while an older overview read was in flight (no move back to waiting)', async () => {
    const api = new FakeSidebarApi();
    const started = verification({ id: V_ID, method: 'okta_push', state: 'waiting' });
    const stale = structuredClone(api.overview);
    let releaseStaleRead: () => void = () => undefined;
    const { user, state } = setup(api);
    await waitFor(() => expect(state()).toBe('none'));
    // The next overview read is slow and answers what the server had before the verification began.
    api.getVerifications = () => new Promise((resolve) => (releaseStaleRead = () => resolve(structuredClone(stale))));
    api.startVerification = async () => {
      api.push({ ...started, state: 'timed_out', finishedAt: NOW.toISOString() }); // triggers the (stale) read
      return started;
    };
    await user.click(screen.getByRole('button', { name: v.start }));
    await act(async () => releaseStaleRead());
    await waitFor(() => expect(state()).toBe('timed_out'));
  });

  it('starts the chosen method', async () => {
    const { api, user, state } = setup();
    await waitFor(() => expect(state()).toBe('none'));
    await user.click(screen.getByRole('radio', { name: v.fallbackName('Code by SMS') }));
    await user.click(screen.getByRole('button', { name: v.start }));
    expect(api.verifyCalls).toContain('start callback_sms');
    await waitFor(() => expect(state()).toBe('started'));
  });

  it('says when no method is available', async () => {
    const api = new FakeSidebarApi();
    api.overview = { ...api.overview, methods: METHODS.map((m) => ({ ...m, isAvailable: false, reason: 'Not for this caller.' })) };
    const { state } = setup(api);
    await waitFor(() => expect(state()).toBe('none'));
    expect(screen.getByText(v.noMethods)).toBeTruthy();
    expect(screen.queryByRole('button', { name: v.start })).toBeNull();
  });

  it('puts a push limit (429) into one clear sentence and keeps the picker', async () => {
    const api = new FakeSidebarApi();
    api.failVerify = new SidebarApiError('rejected', 'Push limit reached', 429, 'rate_limited', 900);
    const { user, state, errors } = setup(api);
    await waitFor(() => expect(state()).toBe('none'));
    await user.click(screen.getByRole('button', { name: v.start }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Too many verification requests for this customer. Try again in 15 minutes, or choose another method.');
    expect(errors).toEqual([]);
    expect(screen.getByRole('button', { name: v.start })).toBeTruthy();
    // The next start clears it.
    api.failVerify = undefined;
    await user.click(screen.getByRole('button', { name: v.start }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('hands other refusals to the sidebar', async () => {
    const api = new FakeSidebarApi();
    api.failVerify = new SidebarApiError('rejected', 'The requester has no email on record.', 422, 'validation_failed');
    const { user, state, errors } = setup(api);
    await waitFor(() => expect(state()).toBe('none'));
    await user.click(screen.getByRole('button', { name: v.start }));
    await waitFor(() => expect(errors).toHaveLength(1));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('offers Retry when the status cannot be loaded', async () => {
    const api = new FakeSidebarApi();
    api.failGetVerifications = new SidebarApiError('unreachable', 'down');
    const { user, state } = setup(api);
    await waitFor(() => expect(state()).toBe('load-failed'));
    api.failGetVerifications = undefined;
    await user.click(screen.getByRole('button', { name: messages.retry }));
    await waitFor(() => expect(state()).toBe('none'));
  });
});

describe('VerifyCaller: live progress', () => {
  it('follows started → waiting with the number to read, counts down to the timeout, announces changes', async () => {
    const api = withCurrent(verification({ state: 'started' }));
    const { state, announced } = setup(api);
    await waitFor(() => expect(state()).toBe('started'));
    expect(screen.getByText(v.started('Okta Verify push'))).toBeTruthy();
    const timer = screen.getByRole('timer');
    expect(timer.textContent).toBe('Times out in 2:00');
    await tick(1_000);
    expect(screen.getByRole('timer').textContent).toBe('Times out in 1:59');

    await push(api, verification({ state: 'waiting', binding: { kind: 'number_challenge', number: '42' } }));
    expect(state()).toBe('waiting');
    expect(screen.getByText('Ask the caller to choose 42 in Okta Verify push')).toBeTruthy();
    expect(announced).toContain('Ask the caller to choose 42 in Okta Verify push');
    await tick(60_000);
    expect(screen.getByRole('timer').textContent).toBe('Times out in 0:59');
    // A late "started" does not take the number away.
    await push(api, verification({ state: 'started' }));
    expect(state()).toBe('waiting');
  });

  it('shows the Duo Verified Push code to read out', async () => {
    const api = withCurrent(verification({ method: 'duo_push', state: 'waiting', binding: { kind: 'verified_push', code: '318265' } }));
    const { state } = setup(api);
    await waitFor(() => expect(state()).toBe('waiting'));
    expect(screen.getByText('Ask the caller to enter 318265 in the Duo push')).toBeTruthy();
  });

  it('says where a link went', async () => {
    const api = withCurrent(verification({ method: 'oidc', state: 'waiting', binding: { kind: 'link', sentTo: 'j***@e***.com' } }));
    const { state } = setup(api);
    await waitFor(() => expect(state()).toBe('waiting'));
    expect(screen.getByText('A link was sent to j***@e***.com')).toBeTruthy();
  });

  it('takes the callback code the caller reads back, with attempts left', async () => {
    const binding = { kind: 'callback_code', sentTo: '+1 ***-***-1234', channel: 'sms', attemptsLeft: 3 } as const;
    const api = withCurrent(verification({ method: 'callback_sms', state: 'waiting', binding }));
    const { user, state } = setup(api);
    await waitFor(() => expect(state()).toBe('waiting'));
    expect(screen.getByText('A code was sent by text message to +1 ***-***-1234.')).toBeTruthy();
    expect(screen.getByText('3 attempts left')).toBeTruthy();
    const input = screen.getByRole('textbox', { name: v.codeLabel });
    await user.type(input, '12');
    await user.click(screen.getByRole('button', { name: v.codeSubmit }));
    expect(screen.getByText(v.codeInvalid)).toBeTruthy();
    expect(api.verifyCalls.filter((c) => c.startsWith('code'))).toEqual([]);

    // Wrong code: the API answers with fewer attempts left; the field is cleared and keeps focus.
    api.nextAnswer = verification({ method: 'callback_sms', state: 'waiting', binding: { ...binding, attemptsLeft: 2 } });
    await user.clear(input);
    await user.type(input, '123 456');
    await user.click(screen.getByRole('button', { name: v.codeSubmit }));
    expect(api.verifyCalls).toContain(`code ${V_ID} 123456`);
    await screen.findByText('2 attempts left');
    expect(screen.getByRole('textbox', { name: v.codeLabel })).toHaveProperty('value', '');
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: v.codeLabel }));

    api.nextAnswer = verification({ method: 'callback_sms', state: 'verified', validUntil: '2026-11-25T16:15:00.000Z' });
    await user.type(input, '654321');
    await user.click(screen.getByRole('button', { name: v.codeSubmit }));
    await waitFor(() => expect(state()).toBe('verified'));
  });

  it('Cancel cancels the attempt', async () => {
    const api = withCurrent(verification({ state: 'waiting', binding: { kind: 'number_challenge', number: '7' } }));
    const { user, state } = setup(api);
    await waitFor(() => expect(state()).toBe('waiting'));
    await user.click(screen.getByRole('button', { name: v.cancel }));
    expect(api.verifyCalls).toContain(`cancel ${V_ID}`);
    await waitFor(() => expect(state()).toBe('cancelled'));
    expect(screen.getByText(v.cancelled)).toBeTruthy();
    // Cancelled is not a reason for an override; the agent can start again.
    expect(screen.queryByRole('button', { name: v.overrideRequest })).toBeNull();
    expect(screen.getByRole('button', { name: v.verifyAgain })).toBeTruthy();
  });
});

describe('VerifyCaller: results', () => {
  it('verified: a green badge with its own countdown to validUntil, then expired', async () => {
    const api = withCurrent(verification({ state: 'waiting', binding: { kind: 'number_challenge', number: '42' } }));
    const { state, announced } = setup(api);
    await waitFor(() => expect(state()).toBe('waiting'));
    await push(api, verification({ state: 'verified', validUntil: '2026-11-25T16:14:32.000Z', idpRef: 'ftx…91', receipt: 'ev_123' }));
    expect(state()).toBe('verified');
    expect(screen.getByText(v.verifiedBadge)).toBeTruthy();
    expect(screen.getByRole('timer').textContent).toBe('Verified by Okta Verify push · valid for 14:32');
    expect(announced.at(-1)).toBe('Verified: Okta Verify push');
    expect(screen.queryByRole('button', { name: v.start })).toBeNull();
    await tick(1_000);
    expect(screen.getByRole('timer').textContent).toBe('Verified by Okta Verify push · valid for 14:31');
    await tick(14 * 60_000 + 31_000);
    expect(state()).toBe('expired');
    expect(screen.getByText(v.verifiedExpired)).toBeTruthy();
    expect(screen.queryByText(v.verifiedBadge)).toBeNull();
    expect(screen.getByRole('button', { name: v.verifyAgain })).toBeTruthy();
  });

  it.each([
    ['denied', { isFraudSuspected: true }, "Denied on the customer's phone — possible fraud"],
    ['timed_out', {}, 'The caller did not answer in time.'],
    [
      'failed',
      { reason: 'Okta answered with a state Vouchsafe does not accept' },
      'Verification failed: Okta answered with a state Vouchsafe does not accept',
    ],
  ] as const)('%s: says so, offers another try and a supervisor override', async (final, extra, sentence) => {
    const api = withCurrent(verification({ state: 'waiting' }));
    const { state, announced } = setup(api);
    await waitFor(() => expect(state()).toBe('waiting'));
    await push(api, verification({ state: final, finishedAt: '2026-11-25T16:01:00.000Z', ...extra }));
    expect(state()).toBe(final);
    expect(screen.getByText(sentence)).toBeTruthy();
    expect(announced.at(-1)).toBe(sentence);
    expect(screen.queryByText(v.verifiedBadge)).toBeNull();
    expect(screen.getByRole('button', { name: v.overrideRequest })).toBeTruthy();
    expect(screen.getByRole('button', { name: v.verifyAgain })).toBeTruthy();
  });

  it('has no control that marks a caller verified, in any state', async () => {
    for (const s of ['started', 'waiting', 'denied', 'failed', 'timed_out', 'cancelled'] as const) {
      const { view, state } = setup(withCurrent(verification({ state: s })));
      await waitFor(() => expect(state()).toBe(s));
      const names = screen.queryAllByRole('button').map((b) => b.textContent ?? '');
      expect(names.filter((n) => /verified|approve|pass/i.test(n))).toEqual([]);
      view.unmount();
    }
  });
});

describe('VerifyCaller: supervisor override', () => {
  it('needs a reason, then waits for a supervisor; the approval shows a loud banner naming both, never a badge', async () => {
    const api = withCurrent(verification({ state: 'denied', isFraudSuspected: true }));
    const { user, state } = setup(api);
    await waitFor(() => expect(state()).toBe('denied'));
    await user.click(screen.getByRole('button', { name: v.overrideRequest }));
    const reason = screen.getByRole('textbox', { name: v.overrideReasonLabel });
    expect(document.activeElement).toBe(reason);
    await user.paste('too short');
    await user.click(screen.getByRole('button', { name: v.overrideSend }));
    expect(screen.getByText(v.overrideReasonInvalid)).toBeTruthy();
    expect(api.verifyCalls.some((c) => c.startsWith('override'))).toBe(false);

    await user.paste(' — caller lost the phone, branch confirmed by video');
    await user.click(screen.getByRole('button', { name: v.overrideSend }));
    await waitFor(() => expect(state()).toBe('override-requested'));
    expect(api.verifyCalls.at(-1)).toBe(`override ${V_ID} too short — caller lost the phone, branch confirmed by video`);
    expect(screen.getByText(v.overrideWaiting)).toBeTruthy();
    expect(screen.queryByRole('button', { name: v.overrideRequest })).toBeNull();
    expect(screen.queryByRole('button', { name: v.verifyAgain })).toBeNull();

    await push(
      api,
      verification({
        state: 'overridden',
        validUntil: '2026-11-25T16:15:00.000Z',
        override: { state: 'approved', requestedBy: 'Jane Doe', reason: 'caller lost the phone', approvedBy: 'Sam Lee' },
      }),
    );
    expect(state()).toBe('overridden');
    const banner = screen.getByRole('alert');
    expect(within(banner).getByText(v.overrideBannerTitle)).toBeTruthy();
    expect(banner.textContent).toContain('Requested by Jane Doe, approved by Sam Lee. Counts for 15:00.');
    expect(banner.textContent).toContain('NOT proven');
    expect(screen.queryByText(v.verifiedBadge)).toBeNull();
  });

  it('a supervisor approves only after a confirmation showing agent, ticket, requester, reason and the fraud flag', async () => {
    const pending = verification({
      id: OTHER_ID,
      state: 'denied',
      agentLabel: 'Jane Doe',
      requesterLabel: 'Ca***r (c***@customer.test)',
      reason: 'The customer denied the push.',
      isFraudSuspected: true,
      override: { state: 'requested', requestedBy: 'Jane Doe', reason: 'caller lost the phone', approvedBy: null },
    });
    const api = new FakeSidebarApi();
    api.overview = { ...api.overview, isSupervisor: true, pendingOverrides: [pending] };
    const { user, state, announced } = setup(api);
    await waitFor(() => expect(state()).toBe('none'));
    const list = screen.getByRole('region', { name: v.pendingHeading });
    expect(within(list).getByText('Jane Doe asks to override a denied Okta Verify push verification')).toBeTruthy();
    expect(within(list).getByText('Reason: caller lost the phone')).toBeTruthy();
    // One click only opens the confirmation: nothing is approved yet.
    await user.click(within(list).getByRole('button', { name: v.approveReviewName('Jane Doe') }));
    expect(api.verifyCalls.filter((c) => c.startsWith('approve'))).toEqual([]);
    const confirm = within(list).getByRole('group', { name: v.confirmHeading });
    expect(within(confirm).getByText(v.confirmFraud)).toBeTruthy();
    expect(within(confirm).getByText('Jane Doe')).toBeTruthy();
    expect(within(confirm).getByText(v.thisTicket)).toBeTruthy();
    expect(within(confirm).getByText('Ca***r (c***@customer.test)')).toBeTruthy();
    expect(within(confirm).getByText('caller lost the phone')).toBeTruthy();
    expect(confirm.textContent).toContain('Okta Verify push: denied — The customer denied the push.');
    // Back closes it without a call; the second time, Confirm approval approves.
    await user.click(within(confirm).getByRole('button', { name: v.confirmBack }));
    expect(within(list).queryByRole('group', { name: v.confirmHeading })).toBeNull();
    await user.click(within(list).getByRole('button', { name: v.approveReviewName('Jane Doe') }));
    await user.click(within(list).getByRole('button', { name: v.confirmApprove }));
    expect(api.verifyCalls).toContain(`approve ${OTHER_ID}`);
    await waitFor(() => expect(screen.queryByRole('region', { name: v.pendingHeading })).toBeNull());
    expect(announced.at(-1)).toBe(v.approved('Jane Doe'));
  });

  it('a supervisor declines with a reason (required); the request leaves the list', async () => {
    const pending = verification({
      id: OTHER_ID,
      state: 'timed_out',
      override: { state: 'requested', requestedBy: 'Jane Doe', reason: 'caller lost the phone', approvedBy: null },
    });
    const api = new FakeSidebarApi();
    api.overview = { ...api.overview, isSupervisor: true, pendingOverrides: [pending] };
    const { user, state, announced } = setup(api);
    await waitFor(() => expect(state()).toBe('none'));
    const list = screen.getByRole('region', { name: v.pendingHeading });
    await user.click(within(list).getByRole('button', { name: v.declineName('Jane Doe') }));
    const form = within(list).getByRole('form', { name: v.declineFormName });
    await user.click(within(form).getByRole('button', { name: v.declineSend }));
    expect(within(form).getByText(v.declineReasonInvalid)).toBeTruthy();
    expect(api.verifyCalls.filter((c) => c.startsWith('decline'))).toEqual([]);
    await user.type(within(form).getByRole('textbox', { name: v.declineReasonLabel }), 'Call the customer back first');
    await user.click(within(form).getByRole('button', { name: v.declineSend }));
    expect(api.verifyCalls).toContain(`decline ${OTHER_ID} Call the customer back first`);
    await waitFor(() => expect(screen.queryByRole('region', { name: v.pendingHeading })).toBeNull());
    expect(announced.at(-1)).toBe(v.declined('Jane Doe'));
  });

  it('the requesting agent sees who declined and why', async () => {
    const api = withCurrent(
      verification({
        state: 'timed_out',
        override: {
          state: 'declined',
          requestedBy: 'Jane Doe',
          reason: 'caller lost the phone',
          approvedBy: null,
          declinedBy: 'Sam Lee',
          declineReason: 'Call the customer back first',
        },
      }),
    );
    const { state } = setup(api);
    await waitFor(() => expect(state()).toBe('timed_out'));
    expect(screen.getByText(v.overrideDeclined('Sam Lee', 'Call the customer back first'))).toBeTruthy();
    expect(screen.queryByRole('button', { name: v.overrideRequest })).toBeNull();
  });

  it("a supervisor's queue lists pending requests across tickets, with the fraud flag", async () => {
    const api = new FakeSidebarApi();
    api.overview = { ...api.overview, isSupervisor: true };
    api.queue = {
      overrides: [
        {
          ...verification({
            id: OTHER_ID,
            state: 'denied',
            isFraudSuspected: true,
            override: { state: 'requested', requestedBy: 'Jane Doe', reason: 'caller lost the phone', approvedBy: null },
          }),
          ticketId: '4711',
        },
      ],
    };
    const { state, user } = setup(api);
    await waitFor(() => expect(state()).toBe('none'));
    const queue = await screen.findByRole('region', { name: v.queueHeading(1) });
    expect(within(queue).getByText(v.queueItem('4711', 'Jane Doe', 'Okta Verify push', 'denied'))).toBeTruthy();
    expect(within(queue).getByText(v.queueFraud)).toBeTruthy();
    api.queue = { overrides: [] };
    await user.click(within(queue).getByRole('button', { name: v.queueRefresh }));
    await screen.findByRole('region', { name: v.queueHeading(0) });
  });

  it('the desk passes the word on: a request notifies the supervisors; a supervisor hearing it re-reads the queue', async () => {
    const notify = vi.fn(async () => undefined);
    const agentApi = withCurrent(verification({ state: 'timed_out' }));
    const agent = userEvent.setup();
    const first = renderThemed(
      <VerifyCaller api={agentApi} onError={() => undefined} announce={() => undefined} host={{ notifyOverrideRequested: notify }} />,
    );
    await agent.click(await screen.findByRole('button', { name: v.overrideRequest }));
    await agent.paste('caller lost the phone, branch confirmed');
    await agent.click(screen.getByRole('button', { name: v.overrideSend }));
    await waitFor(() => expect(notify).toHaveBeenCalledOnce());
    first.unmount();

    let hear: (() => void) | undefined;
    const supervisorApi = new FakeSidebarApi();
    supervisorApi.overview = { ...supervisorApi.overview, isSupervisor: true };
    const announced: string[] = [];
    renderThemed(
      <VerifyCaller
        api={supervisorApi}
        onError={() => undefined}
        announce={(t) => announced.push(t)}
        host={{ onOverrideRequested: (cb) => ((hear = cb), () => (hear = undefined)) }}
      />,
    );
    await screen.findByRole('region', { name: v.queueHeading(0) });
    supervisorApi.queue = { overrides: [{ ...verification({ id: OTHER_ID, state: 'failed' }), ticketId: '4712' }] };
    await waitFor(() => expect(hear).toBeDefined());
    await act(async () => hear!());
    await screen.findByRole('region', { name: v.queueHeading(1) });
    expect(announced).toContain(v.queueNotified);
  });

  it('an agent who is not a supervisor never asks for the queue', async () => {
    const { api, state } = setup();
    await waitFor(() => expect(state()).toBe('none'));
    expect(api.verifyCalls).not.toContain('queue');
    expect(screen.queryByRole('region', { name: v.queueHeading(0) })).toBeNull();
  });

  it('a new override request arriving live is fetched and listed for the supervisor', async () => {
    const api = new FakeSidebarApi();
    api.overview = { ...api.overview, isSupervisor: true };
    const { state } = setup(api);
    await waitFor(() => expect(state()).toBe('none'));
    const pending = verification({
      id: OTHER_ID,
      state: 'timed_out',
      override: { state: 'requested', requestedBy: 'Jane Doe', reason: 'lost phone; known caller', approvedBy: null },
    });
    api.overview = { ...api.overview, pendingOverrides: [pending] };
    await push(api, pending);
    await screen.findByRole('region', { name: v.pendingHeading });
    // Approved elsewhere: it leaves the list.
    await push(api, { ...pending, state: 'overridden', override: { ...pending.override!, state: 'approved', approvedBy: 'Ann' } });
    expect(screen.queryByRole('region', { name: v.pendingHeading })).toBeNull();
  });

  it('the agent who is not a supervisor sees no approvals', async () => {
    const api = new FakeSidebarApi();
    api.overview = { ...api.overview, pendingOverrides: [verification({ id: OTHER_ID, state: 'failed' })] };
    const { state } = setup(api);
    await waitFor(() => expect(state()).toBe('none'));
    expect(screen.queryByRole('button', { name: v.approve })).toBeNull();
  });
});

describe('VerifyCaller: subscription', () => {
  it('subscribes once and unsubscribes on unmount', async () => {
    const { api, view, state } = setup();
    await waitFor(() => expect(state()).toBe('none'));
    expect(api.subscribeCalls).toBe(1);
    expect(api.subscribers.size).toBe(1);
    view.unmount();
    expect(api.unsubscribeCalls).toBe(1);
    expect(api.subscribers.size).toBe(0);
  });
});

describe('VerifyCaller: issue 16 (ending early with a reason, the fraud flag)', () => {
  it('End verification sends the reason the agent chose, and the result says it', async () => {
    const { api, user, state } = setup(withCurrent(verification({ state: 'waiting' })));
    await waitFor(() => expect(state()).toBe('waiting'));
    await user.selectOptions(screen.getByRole('combobox', { name: v.endReasonLabel }), 'call_dropped');
    await user.click(screen.getByRole('button', { name: v.cancel }));
    expect(api.verifyCalls).toContain(`cancel ${V_ID} call_dropped`);
    await waitFor(() => expect(state()).toBe('cancelled'));
    expect(screen.getByText('Verification ended: the call dropped.')).toBeTruthy();
  });

  const flag = {
    id: OTHER_ID,
    kind: 'possible_fraud' as const,
    detail: 'rejected_unspecified' as const,
    method: 'okta_push' as const,
    raisedAt: '2026-11-25T15:58:00.000Z',
    agentLabel: 'Jane Doe',
    openCount: 1,
  };

  it('the red banner stays while later attempts are cancelled; agents cannot acknowledge it, a supervisor can with a reason', async () => {
    const api = withCurrent(verification({ state: 'cancelled' }), { fraudFlag: flag });
    const { user, state, announced } = setup(api);
    await waitFor(() => expect(state()).toBe('cancelled'));
    const banner = screen.getByRole('alert');
    expect(banner.dataset.banner).toBe('fraud-flag');
    expect(within(banner).getByText(v.fraudFlagTitle)).toBeTruthy();
    expect(banner.textContent).toContain(v.fraudFlagRaised('Jane Doe', 'Okta Verify push', '15:58 UTC'));
    expect(within(banner).queryByRole('button', { name: v.fraudFlagAck })).toBeNull();
    // A supervisor's sidebar: a reason is required, then the flag is gone.
    api.overview = { ...api.overview, isSupervisor: true };
    const sup = setup(api);
    await waitFor(() => expect(sup.view.container.querySelector('[data-banner="fraud-flag"]')).toBeTruthy());
    const supBanner = sup.view.container.querySelector<HTMLElement>('[data-banner="fraud-flag"]')!;
    await user.click(within(supBanner).getByRole('button', { name: v.fraudFlagAck }));
    expect(within(supBanner).getByText(v.fraudFlagAckInvalid)).toBeTruthy();
    await user.type(within(supBanner).getByRole('textbox', { name: v.fraudFlagAckLabel }), 'Called back on the number on record');
    await user.click(within(supBanner).getByRole('button', { name: v.fraudFlagAck }));
    expect(api.verifyCalls).toContain('acknowledge Called back on the number on record');
    await waitFor(() => expect(sup.view.container.querySelector('[data-banner="fraud-flag"]')).toBeNull());
    expect(sup.announced).toContain(v.fraudFlagAcknowledged);
    expect(announced).not.toContain(v.fraudFlagAcknowledged);
  });

  it('a supervisor whose own attempt raised the flag is told another supervisor must acknowledge it, with no form', async () => {
    const api = withCurrent(verification({ state: 'cancelled' }), { fraudFlag: { ...flag, raisedOnOwnAttempt: true }, isSupervisor: true });
    const { state, view } = setup(api);
    await waitFor(() => expect(state()).toBe('cancelled'));
    const banner = view.container.querySelector<HTMLElement>('[data-banner="fraud-flag"]')!;
    expect(banner.textContent).toContain(v.fraudFlagNotYours);
    expect(within(banner).queryByRole('button', { name: v.fraudFlagAck })).toBeNull();
    expect(within(banner).queryByRole('textbox')).toBeNull();
  });

  it('a live possible-fraud outcome re-reads the overview, so the banner appears without a reload', async () => {
    const api = withCurrent(verification({ state: 'waiting' }));
    const { state, view } = setup(api);
    await waitFor(() => expect(state()).toBe('waiting'));
    api.overview = { ...api.overview, fraudFlag: flag };
    await push(api, verification({ state: 'denied', isFraudSuspected: true, outcomeDetail: 'rejected_unspecified' }));
    await waitFor(() => expect(view.container.querySelector('[data-banner="fraud-flag"]')).toBeTruthy());
    expect(screen.getByText(v.deniedDetail.rejected_unspecified)).toBeTruthy();
  });
});
