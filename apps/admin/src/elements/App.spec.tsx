import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ADMIN_ME, change, fakeAdminApi, TENANT } from '../testing/fake-admin-api';
import { App } from './App';

const click = (el: HTMLElement) => act(async () => fireEvent.click(el));
const type = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });

async function openTenant() {
  await click(await screen.findByRole('button', { name: TENANT.name }));
  return screen.findByRole('form', { name: 'Edit the verification policy' });
}

describe('admin console', () => {
  it('shows a policy approver the change queue only, and no Approve on their own request', async () => {
    const api = fakeAdminApi({
      me: async () => ({ ok: true, value: { ...ADMIN_ME, roles: ['policy_approver'] } }),
      changes: async () => ({
        ok: true,
        value: { approvals: 'four_eyes', changes: [change({ id: 'own', isOwnRequest: true, canDecide: false })] },
      }),
    });
    render(<App api={api} />);
    const card = await screen.findByTestId('change');
    expect(
      within(screen.getByRole('navigation', { name: 'Admin pages' }))
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Changes']);
    expect(within(card).getByTestId('own-request').textContent).toMatch(/waiting for another administrator/);
    expect(within(card).queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(within(card).getByRole('button', { name: 'Withdraw' })).toBeTruthy();
  });

  it('approves after a confirmation that repeats the change, weakening fields marked', async () => {
    const approve = vi.fn(fakeAdminApi().approve);
    render(<App api={fakeAdminApi({ approve })} />);
    await click(await screen.findByRole('button', { name: 'Changes' }));
    const card = await screen.findByTestId('change');
    expect(within(card).getByRole('row', { name: /deskPhoneFallback.isAllowed/ }).dataset.weakens).toBe('true');
    await click(within(card).getByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(within(dialog).getByText(/makes verification easier to pass/)).toBeTruthy();
    expect(within(dialog).getByRole('row', { name: /deskPhoneFallback.isAllowed.*false true/ })).toBeTruthy();
    expect(approve).not.toHaveBeenCalled();
    await click(within(dialog).getByRole('button', { name: 'Approve and apply' }));
    expect(approve).toHaveBeenCalledWith('csrf-ada', 'chg-1', undefined);
    expect(await screen.findByText(/Approved and applied/)).toBeTruthy();
  });

  it('rejects only with a reason', async () => {
    const reject = vi.fn(fakeAdminApi().reject);
    render(<App api={fakeAdminApi({ reject })} />);
    await click(await screen.findByRole('button', { name: 'Changes' }));
    await click(within(await screen.findByTestId('change')).getByRole('button', { name: 'Reject' }));
    await click(screen.getByRole('button', { name: 'Reject change' }));
    expect(reject).not.toHaveBeenCalled();
    expect(screen.getByText(/Say why/)).toBeTruthy();
    type(screen.getByLabelText('Why you reject it'), 'Not without a risk review');
    await click(screen.getByRole('button', { name: 'Reject change' }));
    expect(reject).toHaveBeenCalledWith('csrf-ada', 'chg-1', 'Not without a risk review');
  });

  it('saves a policy change that waits for approval, with a way to the change', async () => {
    const setPolicy = vi.fn(async () => ({
      ok: true as const,
      value: { kind: 'pending' as const, change: change({ id: 'mine', isOwnRequest: true, canDecide: false }) },
    }));
    render(<App api={fakeAdminApi({ setPolicy })} />);
    const form = await openTenant();
    expect(screen.getByTestId('policy-version').textContent).toMatch(/^Version 3/);
    await click(within(form).getByRole('button', { name: 'Move Code by SMS up' }));
    fireEvent.click(within(form).getByRole('checkbox', { name: /Allow the help desk’s phone number/ }));
    await click(within(form).getByRole('button', { name: 'Save policy' }));
    const [, slug, policy] = setPolicy.mock.calls[0] as unknown as [
      string,
      string,
      { methods: string[]; deskPhoneFallback: { isAllowed: boolean } },
    ];
    expect(slug).toBe(TENANT.slug);
    expect(policy.methods).toEqual(['callback_sms', 'okta_push']);
    expect(policy.deskPhoneFallback.isAllowed).toBe(true);
    expect(await screen.findByText('Waiting for approval')).toBeTruthy();
    await click(screen.getByRole('button', { name: 'See the change' }));
    expect(screen.getByRole('heading', { name: 'Changes waiting for approval' })).toBeTruthy();
  });

  it('shows the API’s field errors beside the IdP fields and never keeps a secret after saving', async () => {
    let calls = 0;
    const setIdp = vi.fn(async () =>
      ++calls === 1
        ? {
            ok: false as const,
            failure: {
              kind: 'invalid' as const,
              message: 'The request is not valid',
              issues: [{ path: 'orgUrl', message: 'must be https' }],
            },
          }
        : { ok: true as const, value: { kind: 'applied' as const, value: undefined } },
    );
    render(<App api={fakeAdminApi({ setIdp })} />);
    await openTenant();
    const form = screen.getByRole('form', { name: 'Set an IdP connection' });
    type(within(form).getByLabelText('Okta org URL'), 'http://acme.okta.com');
    const secret = within(form).getByLabelText('API token');
    expect(secret.getAttribute('type')).toBe('password');
    type(secret, 'okta-token-123');
    await click(within(form).getByRole('button', { name: /^Save Okta/ }));
    expect(within(form).getByText('must be https')).toBeTruthy();
    expect(within(form).getByLabelText('Okta org URL').getAttribute('aria-invalid')).toBe('true');
    await click(within(form).getByRole('button', { name: /^Save Okta/ }));
    expect(await screen.findByText(/connection: applied/)).toBeTruthy();
    expect(within(form).getByLabelText<HTMLInputElement>('API token').value).toBe('');
  });

  it('shows a new API token once, with a copy button, and revokes only after confirmation', async () => {
    const copy = vi.fn(async () => undefined);
    const revokeToken = vi.fn(fakeAdminApi().revokeToken);
    const tokens = vi.fn(async () => ({
      ok: true as const,
      value: [
        {
          name: 'ci',
          scopes: ['secrets'],
          source: 'stored' as const,
          createdBy: 'operator:ada',
          createdAt: null,
          expiresAt: null,
          revokedAt: null,
        },
      ],
    }));
    render(<App api={fakeAdminApi({ revokeToken, tokens })} copy={copy} />);
    await click(await screen.findByRole('button', { name: 'API tokens' }));
    const form = await screen.findByRole('form', { name: 'Create an API token' });
    type(within(form).getByLabelText('Name'), 'ci-sender');
    await click(within(form).getByRole('button', { name: 'Create token' }));
    const shown = await screen.findByTestId('created-token');
    expect(within(shown).getByLabelText('New API token').textContent).toBe('vst_secret-token-value');
    expect(within(shown).getByText(/only time Vouchsafe shows it/)).toBeTruthy();
    await click(within(shown).getByRole('button', { name: 'Copy token' }));
    expect(copy).toHaveBeenCalledWith('vst_secret-token-value');
    await click(within(shown).getByRole('button', { name: 'I have stored it' }));
    expect(screen.queryByText('vst_secret-token-value')).toBeNull();

    await click(await screen.findByRole('button', { name: 'Revoke ci' }));
    expect(revokeToken).not.toHaveBeenCalled();
    await click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Revoke' }));
    expect(revokeToken).toHaveBeenCalledWith('csrf-ada', 'ci');
  });

  it('refuses someone without an admin role, and asks to sign in again when the session ends', async () => {
    const { unmount } = render(<App api={fakeAdminApi({ me: async () => ({ ok: true, value: { ...ADMIN_ME, roles: ['auditor'] } }) })} />);
    expect(await screen.findByText(/neither the admin nor the policy approver role/)).toBeTruthy();
    unmount();
    render(<App api={fakeAdminApi({ tenants: async () => ({ ok: false, failure: { kind: 'signed-out' } }) })} />);
    expect(await screen.findByText(/Your sign-in has ended/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
  });
});
