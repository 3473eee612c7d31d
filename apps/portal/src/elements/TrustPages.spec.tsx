import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { LinkTrust, PublicBranding } from '@vouchsafe/contracts';
import { encodeLinkKey } from '@vouchsafe/crypto';
import { isPublicBranding, type TrustApi } from '../api/trust-api';
import { createFakeVault, SECRET_ID } from '../testing/fake-vault';
import { App } from './App';

/** Issue 14: the bank's header, who sent a link and its phrase, and the check page. */

const BANK: PublicBranding = {
  displayName: 'Acme Bank',
  brandColor: '#0b5394',
  logoUrl: '/api/v1/t/acme/branding/logo.png?v=1',
  supportPhone: '+44 20 7946 0000',
  supportUrl: 'https://acmebank.com/help',
  checkUrl: '/t/acme/check',
};

function fakeTrust(trust?: LinkTrust) {
  const calls = { trust: [] as [string, string][], check: [] as string[] };
  const api: TrustApi = {
    getBranding: () => Promise.resolve(BANK),
    getLinkTrust: (id, keyCheck) => {
      calls.trust.push([id, keyCheck]);
      return Promise.resolve(trust);
    },
    checkLink: (link) => {
      calls.check.push(link);
      return Promise.resolve({ ok: true, value: { result: 'not_issued' } });
    },
  };
  return { api, calls };
}

describe('customer pages (issue 14)', () => {
  it('the reveal page shows the bank, who sent it and the phrase from the server, asked with the key check, not the key', async () => {
    const vault = await createFakeVault({ kind: 'text', text: 'x' });
    const trust = fakeTrust({ bank: BANK, ticket: '#4821', agentFirstName: 'Jane', phrase: 'maple river comet' });
    render(<App location={{ pathname: `/t/acme/s/${SECRET_ID}`, hash: vault.hash }} api={vault.api} trustApi={trust.api} />);
    const notice = await screen.findByRole('group', { name: 'Who sent this' });
    expect(notice.textContent).toContain('Sent by Jane at Acme Bank, about your request #4821.');
    expect(within(notice).getByTestId('page-phrase').textContent).toBe('maple river comet');
    expect(screen.getByRole('banner').textContent).toContain('Acme Bank');
    const [[id, keyCheck]] = trust.calls.trust as [[string, string]];
    expect(id).toBe(SECRET_ID);
    expect(keyCheck).not.toBe(vault.hash.slice(1));
    expect(vault.calls.reveal).toHaveLength(0);
  });

  it('shows no sender when the server gives none (a wrong key or a gone link)', async () => {
    const vault = await createFakeVault({ kind: 'text', text: 'x' });
    const trust = fakeTrust(undefined);
    render(<App location={{ pathname: `/t/acme/s/${SECRET_ID}`, hash: vault.hash }} api={vault.api} trustApi={trust.api} />);
    await screen.findByRole('button', { name: 'Reveal' });
    await waitFor(() => expect(trust.calls.trust).toHaveLength(1));
    expect(screen.queryByRole('group', { name: 'Who sent this' })).toBeNull();
  });

  it('the check page sends the link without its key and announces the answer', async () => {
    const trust = fakeTrust();
    render(<App location={{ pathname: '/t/acme/check', hash: '' }} trustApi={trust.api} />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Is this link really from Acme Bank?' })).toBeTruthy();
    const key = encodeLinkKey(new Uint8Array(32).fill(7));
    fireEvent.change(screen.getByRole('textbox', { name: 'Link or id' }), {
      target: { value: ` https://links.acmebank.com/t/acme/s/${SECRET_ID}#${key} ` },
    });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Check' })));
    expect(trust.calls.check).toEqual([`https://links.acmebank.com/t/acme/s/${SECRET_ID}`]);
    const status = screen.getByTestId('check-answer');
    expect(status.getAttribute('role')).toBe('status');
    expect(status.textContent).toContain('Acme Bank did not send this link.');
  });

  it('accepts only a #rrggbb colour and a logo from our own origin', () => {
    expect(isPublicBranding(BANK)).toBe(true);
    expect(isPublicBranding({ ...BANK, brandColor: 'red;background:url(//evil)' })).toBe(false);
    expect(isPublicBranding({ ...BANK, logoUrl: 'https://evil.example/logo.png' })).toBe(false);
    expect(isPublicBranding({ ...BANK, logoUrl: '//evil.example/logo.png' })).toBe(false);
    expect(isPublicBranding({ ...BANK, supportUrl: 'javascript:alert(1)' })).toBe(false);
  });
});
