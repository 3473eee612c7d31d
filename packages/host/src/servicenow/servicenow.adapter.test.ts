// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HostNotReadyError } from '../host-adapter.types';
import { connectServiceNow, serviceNowExchange } from './index';

const SYS_ID = '9d385017c611228701d22104cc95c371';
const claims = {
  iss: 'acme',
  aud: 'vouchsafe',
  sub: '6816f79cc0a8016401c5a33be04be441',
  name: 'Jane Agent',
  table: 'incident',
  sys_id: SYS_ID,
};
const b64url = (value: object) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const TOKEN = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(claims)}.c2lnbmF0dXJl`;

function openAt(query: string, hash = `#token=${TOKEN}`): void {
  window.history.replaceState(null, '', `/apps/servicenow/?${query}${hash}`);
}

afterEach(() => window.history.replaceState(null, '', '/'));

describe('connectServiceNow', () => {
  it('reads the record from the query and scrubs the token from the address bar', async () => {
    openAt(`table=incident&sys_id=${SYS_ID}&origin=https%3A%2F%2Facme.service-now.com`);
    const host = connectServiceNow();
    expect(window.location.hash).toBe('');
    expect(window.location.href).not.toContain(TOKEN);
    expect(window.location.search).toContain(`sys_id=${SYS_ID}`);
    expect(host.getHostToken()).toBe(TOKEN);
    await expect(host.getContext()).resolves.toEqual({
      desk: 'servicenow',
      tenantKey: 'acme',
      ticketId: `incident:${SYS_ID}`,
      agent: { id: claims.sub, name: 'Jane Agent' },
      requester: null,
    });
    await expect(serviceNowExchange(host)()).resolves.toEqual({
      path: '/api/v1/sessions/servicenow',
      body: { token: TOKEN, table: 'incident', sysId: SYS_ID },
    });
  });

  it('is not ready without a valid table and sys_id', () => {
    openAt('table=incident&sys_id=not-a-sys-id');
    expect(() => connectServiceNow()).toThrow(HostNotReadyError);
    openAt(`sys_id=${SYS_ID}`);
    expect(() => connectServiceNow()).toThrow(HostNotReadyError);
    // Even then the token must not stay in the address bar.
    expect(window.location.hash).toBe('');
  });

  it('rejects the session without a token (reloaded after the scrub)', async () => {
    openAt(`table=incident&sys_id=${SYS_ID}`, '');
    const host = connectServiceNow();
    await expect(serviceNowExchange(host)()).rejects.toMatchObject({ failure: 'session_rejected' });
  });

  it('offers copy only, unless the workspace opts in to postMessage with an exact origin', async () => {
    openAt(`table=incident&sys_id=${SYS_ID}&origin=https%3A%2F%2Facme.service-now.com`);
    const host = connectServiceNow();
    expect(host.canInsertIntoReply).toBe(false);
    await expect(host.insertIntoReply('link')).rejects.toThrow('copy the link');

    for (const origin of ['https://acme.service-now.com/now/sow', 'http://acme.service-now.com', 'javascript:alert(1)', '*']) {
      openAt(`table=incident&sys_id=${SYS_ID}&reply=postmessage&origin=${encodeURIComponent(origin)}`);
      expect(connectServiceNow().canInsertIntoReply).toBe(false);
    }
  });

  it('posts the reply text to the workspace origin only', async () => {
    openAt(`table=incident&sys_id=${SYS_ID}&reply=postmessage&origin=${encodeURIComponent('https://acme.service-now.com')}`);
    const parent = { postMessage: vi.fn() };
    const host = connectServiceNow({ parent });
    expect(host.canInsertIntoReply).toBe(true);
    await host.insertIntoReply('https://vouchsafe.example/s/abc#key');
    expect(parent.postMessage).toHaveBeenCalledWith(
      { type: 'vouchsafe:insert-reply', text: 'https://vouchsafe.example/s/abc#key' },
      'https://acme.service-now.com',
    );
  });

  it('shows empty identity when the token is not a readable JWT (the API decides anyway)', async () => {
    openAt(`table=incident&sys_id=${SYS_ID}`, '#token=garbage');
    await expect(connectServiceNow().getContext()).resolves.toMatchObject({ tenantKey: '', agent: { id: '', name: '' } });
  });
});
