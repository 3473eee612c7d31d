import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ReviewTenant } from '@vouchsafe/contracts';
import { SIGNED_IN, entry, memoryReviewApi } from '../testing/memory-review-api';
import { App } from './App';

const TENANTS: ReviewTenant[] = [
  { slug: 'acme-zendesk', name: 'Acme Zendesk', desk: 'zendesk' },
  { slug: 'acme-jira', name: 'Acme Jira', desk: 'jira' },
];

function world() {
  return memoryReviewApi({
    tenants: TENANTS,
    entries: {
      'acme-zendesk': [
        entry({ type: 'verification.started', at: '2026-12-01T10:00:00.000Z', ticketId: '101', note: { status: 'matches' } }),
        entry({
          type: 'verification.denied',
          at: '2026-12-01T10:01:00.000Z',
          ticketId: '101',
          flags: ['possible_fraud'],
          note: { status: 'edited', reason: 'The note’s text in the desk differs from what was sent.' },
        }),
        entry({
          type: 'verification.override_approved',
          at: '2026-12-01T10:05:00.000Z',
          ticketId: '101',
          kind: 'override',
          flags: ['override'],
          note: { status: 'pending' },
        }),
        entry({
          type: 'secret.created',
          at: '2026-12-02T09:00:00.000Z',
          ticketId: '202',
          kind: 'secret',
          actor: 'agent:Kim B.',
          note: { status: 'unavailable' },
        }),
      ],
    },
  });
}

function renderApp(api = world(), extra: { navigate?: (url: string) => void; download?: (name: string, csv: string) => void } = {}) {
  const download = extra.download ?? vi.fn();
  const navigate = extra.navigate ?? vi.fn();
  render(<App api={api} navigate={navigate} download={download} />);
  return { api, download, navigate };
}

async function pickTenant(slug = 'acme-zendesk') {
  const picker = await screen.findByLabelText('Tenant');
  await act(async () => fireEvent.change(picker, { target: { value: slug } }));
}

async function searchFor(fields: Partial<Record<'Ticket' | 'Agent' | 'From' | 'Until' | 'Outcome' | 'Show only', string>> = {}) {
  for (const [label, value] of Object.entries(fields)) fireEvent.change(screen.getByLabelText(label), { target: { value } });
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Search' })));
}

const rows = () => screen.getAllByTestId('entry-row');

describe('signing in and out', () => {
  it('offers sign-in when nobody is signed in, and goes to the IdP through the API', async () => {
    const api = memoryReviewApi({ tenants: TENANTS, entries: {}, me: null });
    const { navigate } = renderApp(api);
    const button = await screen.findByRole('button', { name: 'Sign in' });
    fireEvent.click(button);
    expect(navigate).toHaveBeenCalledWith('/auth/operator/sign-in?return=%2Freview%2F');
  });

  it('says when operator sign-in is not configured, and when the account lacks the auditor role', async () => {
    const unconfigured = memoryReviewApi({ tenants: TENANTS, entries: {} });
    unconfigured.failNext('me', { kind: 'not-found', message: 'Operator sign-in is not configured on this server.' });
    renderApp(unconfigured);
    expect(await screen.findByText(/not configured on this server/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
  });

  it('tells an operator without the auditor role so, and lets them sign out', async () => {
    const api = memoryReviewApi({ tenants: TENANTS, entries: {}, me: { ...SIGNED_IN, roles: ['admin'] } });
    renderApp(api);
    expect(await screen.findByText(/does not carry the auditor role/)).toBeTruthy();
    expect(screen.queryByLabelText('Tenant')).toBeNull();
  });

  it('signs out with the session’s CSRF token and shows the sign-in again', async () => {
    const { api } = renderApp();
    expect(await screen.findByTestId('signed-in-as')).toHaveProperty('textContent', 'Signed in as Rita Reviewer');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign out' })));
    expect(api.calls.find((c) => c.method === 'signOut')?.args).toEqual([SIGNED_IN.csrfToken]);
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
  });

  it('asks to sign in again when the session ends while searching', async () => {
    const { api } = renderApp();
    await pickTenant();
    api.failNext('search', { kind: 'signed-out' });
    await searchFor();
    expect(await screen.findByText(/Your sign-in has ended/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
  });
});

describe('search', () => {
  it('picks a tenant, then searches with every filter the form offers', async () => {
    const { api } = renderApp();
    expect(screen.queryByRole('search')).toBeNull();
    await pickTenant();
    await searchFor({
      Ticket: ' 101 ',
      Agent: 'Sam',
      From: '2026-12-01',
      Until: '2026-12-01',
      Outcome: 'denied',
      'Show only': 'possible_fraud',
    });
    expect(api.calls.filter((c) => c.method === 'search').at(-1)?.args).toEqual([
      'acme-zendesk',
      {
        ticket: '101',
        agent: 'Sam',
        from: '2026-12-01T00:00:00.000Z',
        until: '2026-12-01T23:59:59.999Z',
        outcome: 'denied',
        flag: 'possible_fraud',
      },
    ]);
    expect(rows()).toHaveLength(1);
    expect(rows()[0]!.dataset.type).toBe('verification.denied');
    expect(within(rows()[0]!).getByText('Possible fraud')).toBeTruthy();
  });

  it('filters overrides', async () => {
    renderApp();
    await pickTenant();
    await searchFor({ 'Show only': 'override' });
    expect(rows().map((r) => r.dataset.type)).toEqual(['verification.override_approved']);
  });

  it('shows loading, then an empty state, and an error state with the server’s sentence', async () => {
    const { api } = renderApp();
    await pickTenant();
    const release = api.holdNext('search');
    await searchFor({ Ticket: 'nope' });
    expect(screen.getByLabelText('Searching')).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Search' }).disabled).toBe(true);
    await act(async () => release());
    expect(await screen.findByText('No events match this search.')).toBeTruthy();

    api.failNext('search', { kind: 'unavailable' });
    await searchFor();
    expect(await screen.findByText(/could not be reached/)).toBeTruthy();
  });

  it('shows a tenant the API refuses as an error, and an empty tenant list as such', async () => {
    const api = memoryReviewApi({ tenants: [], entries: {} });
    renderApp(api);
    expect(await screen.findByText('There are no tenants you may review.')).toBeTruthy();
  });
});

describe('timeline and export', () => {
  it('opens a ticket’s timeline from the results, oldest first, with each note’s receipt checked (✓), failed (✗ with why) or neutral', async () => {
    renderApp();
    await pickTenant();
    await searchFor();
    const ticket = within(rows().find((r) => r.dataset.type === 'verification.started')!).getByRole('button', { name: '101' });
    await act(async () => fireEvent.click(ticket));
    const timeline = await screen.findByTestId('timeline');
    expect(within(timeline).getByRole('heading', { name: 'Ticket 101: timeline' })).toBe(document.activeElement);
    const checks = within(timeline).getAllByTestId('receipt-check');
    expect(checks.map((c) => [c.dataset.tone, c.textContent])).toEqual([
      ['checked', '✓ Note matches'],
      ['failed', '✗ Note edited in the desk — The note’s text in the desk differs from what was sent.'],
      ['neutral', '• Note not delivered yet'],
    ]);
    await act(async () => fireEvent.click(within(timeline).getByRole('button', { name: 'Back to results' })));
    expect(screen.getByTestId('results')).toBeTruthy();
  });

  it('exports the current view as CSV: the results, then the timeline with its receipt checks', async () => {
    const { download } = renderApp();
    await pickTenant();
    await searchFor({ Ticket: '202' });
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    const [name, csv] = vi.mocked(download).mock.calls[0]!;
    expect(name).toBe('vouchsafe-acme-zendesk-search.csv');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(2);
    expect(csv).toContain('secret.created');

    await act(async () => fireEvent.click(screen.getByRole('button', { name: '202' })));
    await screen.findByTestId('timeline');
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    const [timelineName, timelineCsv] = vi.mocked(download).mock.calls[1]!;
    expect(timelineName).toBe('vouchsafe-acme-zendesk-ticket-202.csv');
    expect(timelineCsv).toContain('Desk could not be checked');
  });
});
