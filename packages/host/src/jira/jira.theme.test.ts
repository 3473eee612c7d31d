// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { connectJira, type ForgeBridge } from './index';

const CONTEXT = { accountId: '557058:f00d', cloudId: 'c', extension: { issue: { key: 'HELP-42' } } };

function bridgeWithTheming(enable: () => Promise<void>) {
  const bridge: ForgeBridge = {
    view: { getContext: vi.fn(async () => CONTEXT), theme: { enable: vi.fn(enable) } },
    events: { on: vi.fn(async () => ({ unsubscribe: () => undefined })) },
    requestRemote: vi.fn(),
  };
  return bridge;
}

describe('connectJira colour scheme (Forge theming)', () => {
  it('enables Forge theming and follows <html data-color-mode> as Jira switches, until unsubscribed', async () => {
    const doc = document.implementation.createHTMLDocument('sidebar');
    const bridge = bridgeWithTheming(async () => doc.documentElement.setAttribute('data-color-mode', 'dark'));
    const host = await connectJira({ loadBridge: async () => bridge, document: doc });
    expect(bridge.view.theme?.enable).toHaveBeenCalledOnce();
    const seen: string[] = [];
    const stop = host.onColorSchemeChange!((scheme) => seen.push(scheme));
    await vi.waitFor(() => expect(host.colorScheme!()).toBe('dark'));
    doc.documentElement.setAttribute('data-color-mode', 'light');
    await vi.waitFor(() => expect(seen).toEqual(['light']));
    stop();
    doc.documentElement.setAttribute('data-color-mode', 'dark');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual(['light']);
  });

  it('reports no scheme (so the UI follows the browser) when theming is refused or the mode is unknown', async () => {
    const doc = document.implementation.createHTMLDocument('sidebar');
    const bridge = bridgeWithTheming(() => Promise.reject(new Error('enableTheming is not supported')));
    const host = await connectJira({ loadBridge: async () => bridge, document: doc });
    expect(host.colorScheme!()).toBeUndefined();
    doc.documentElement.setAttribute('data-color-mode', 'auto');
    expect(host.colorScheme!()).toBeUndefined();
  });
});
