import { SESSION_HEADER } from '@vouchsafe/contracts';
import { describe, expect, it, vi } from 'vitest';
import { HostNotReadyError } from '../host-adapter.types';
import { connectJira, connectJiraSidebar, jiraExchange, loadForgeBridge, type ForgeBridge } from './index';

const CONTEXT = {
  accountId: '557058:f00d',
  cloudId: '0f2a1c33-5c43-4b6a-9a7e-1d2b3c4d5e6f',
  extension: { type: 'jira:issueContext', issue: { id: '10001', key: 'HELP-42', type: 'Service Request' }, project: { key: 'HELP' } },
};

function fakeBridge(context: object = CONTEXT) {
  const listeners: ((payload?: unknown) => unknown)[] = [];
  const unsubscribe = vi.fn();
  const bridge: ForgeBridge = {
    view: { getContext: vi.fn(async () => context as never) },
    events: {
      on: vi.fn(async (_event: string, callback: (payload?: unknown) => unknown) => {
        listeners.push(callback);
        return { unsubscribe };
      }),
    },
    requestRemote: vi.fn(async () => new Response(JSON.stringify({ secrets: [] }), { status: 200 })),
  };
  return { bridge, listeners, unsubscribe, loadBridge: () => Promise.resolve(bridge) };
}

describe('connectJira', () => {
  it('is host-not-ready, not a crash, when @forge/bridge cannot load outside Forge', async () => {
    await expect(loadForgeBridge()).rejects.toThrow();
    await expect(connectJira()).rejects.toBeInstanceOf(HostNotReadyError);
  });

  it('maps the Forge context: cloudId as tenant, issue key as ticket, accountId as agent', async () => {
    const { loadBridge } = fakeBridge();
    const host = await connectJira({ loadBridge });
    expect(host.canInsertIntoReply).toBe(false);
    await expect(host.insertIntoReply('x')).rejects.toThrow('copy the link');
    await expect(host.getContext()).resolves.toEqual({
      desk: 'jira',
      tenantKey: CONTEXT.cloudId,
      ticketId: 'HELP-42',
      agent: { id: '557058:f00d', name: '' },
      requester: null,
    });
    await expect(jiraExchange(host)()).resolves.toEqual({ path: '/api/v1/sessions/jira', body: { issueKey: 'HELP-42' } });
  });

  it('is not ready outside an issue view', async () => {
    const { loadBridge } = fakeBridge({ ...CONTEXT, extension: { type: 'jira:globalPage' } });
    await expect(connectJira({ loadBridge })).rejects.toBeInstanceOf(HostNotReadyError);
  });

  it('follows JIRA_ISSUE_CHANGED until unsubscribed', async () => {
    const { bridge, loadBridge, listeners, unsubscribe } = fakeBridge();
    const host = await connectJira({ loadBridge });
    const seen: string[] = [];
    const off = host.onContextChange((context) => seen.push(context.ticketId));
    expect(bridge.events.on).toHaveBeenCalledWith('JIRA_ISSUE_CHANGED', expect.any(Function));
    await vi.waitFor(() => expect(listeners).toHaveLength(1));
    listeners[0]?.({ issueId: '10001', changes: [{ changeType: 'commented' }] });
    await vi.waitFor(() => expect(seen).toEqual(['HELP-42']));
    off();
    await vi.waitFor(() => expect(unsubscribe).toHaveBeenCalled());
    listeners[0]?.({});
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toHaveLength(1);
  });

  it('calls the API through Forge Remote with the session header (Forge adds the FIT)', async () => {
    const { bridge, loadBridge } = fakeBridge();
    const session = {
      session: 'session-1',
      expiresAt: new Date(Date.now() + 900_000).toISOString(),
      context: {
        desk: 'jira',
        tenantName: 'Acme',
        ticket: { id: 'HELP-42', displayId: 'HELP-42' },
        requester: { label: 'r***@e***.com' },
        agent: { label: 'Jane' },
      },
    };
    vi.mocked(bridge.requestRemote).mockImplementation(async (_key, init) =>
      init?.path === '/api/v1/sessions/jira'
        ? new Response(JSON.stringify(session), { status: 200 })
        : new Response('{"secrets":[]}', { status: 200 }),
    );
    const { api } = await connectJiraSidebar({ loadBridge });
    await api.start();
    await api.listSecrets();
    const calls = vi.mocked(bridge.requestRemote).mock.calls;
    expect(calls[0]).toEqual([
      'vouchsafe',
      expect.objectContaining({ path: '/api/v1/sessions/jira', method: 'POST', body: '{"issueKey":"HELP-42"}' }),
    ]);
    expect(calls[1]?.[1]).toMatchObject({ path: '/api/v1/sidebar/secrets', method: 'GET', headers: { [SESSION_HEADER]: 'session-1' } });
    expect(calls[1]?.[1]?.headers).not.toHaveProperty('authorization');
    (api as { stop?: () => void }).stop?.();
  });
});
