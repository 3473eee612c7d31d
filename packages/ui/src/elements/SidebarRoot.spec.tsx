import { act, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { messages } from '../messages';
import { FakeSidebarApi, FakeSidebarHost } from '../testing/fake-sidebar';
import { sidebarRoot } from '../testing/render';
import { SidebarRoot, type SidebarConnection } from './SidebarRoot';

describe('SidebarRoot', () => {
  it('shows loading while the host connects, then the ticket sidebar', async () => {
    let resolve: (c: SidebarConnection) => void = () => undefined;
    const connect = vi.fn(() => new Promise<SidebarConnection>((r) => (resolve = r)));
    const { container } = render(<SidebarRoot connect={connect} deskName="Zendesk" />);
    expect(sidebarRoot(container).dataset.state).toBe('loading');
    expect(screen.getByRole('status').textContent).toBe(messages.loading);
    await act(async () => resolve({ host: new FakeSidebarHost(), api: new FakeSidebarApi() }));
    await waitFor(() => expect(sidebarRoot(container).dataset.state).toBe('ready'));
    expect(screen.getByRole('region', { name: messages.sendHeading })).toBeTruthy();
    expect(connect).toHaveBeenCalledTimes(1);
  });

  it('names the desk when the host fails to connect', async () => {
    const { container } = render(<SidebarRoot connect={() => Promise.reject(new Error('no ZAF'))} deskName="ServiceNow" />);
    await waitFor(() => expect(sidebarRoot(container).dataset.state).toBe('host-not-ready'));
    expect(screen.getByRole('alert').textContent).toBe('ServiceNow did not finish loading this app. Reload the ticket.');
  });

  it('gives up when the host never answers', async () => {
    const { container } = render(
      <SidebarRoot connect={() => new Promise<SidebarConnection>(() => undefined)} deskName="Zendesk" connectTimeoutMs={20} />,
    );
    await waitFor(() => expect(sidebarRoot(container).dataset.state).toBe('host-not-ready'));
    expect(screen.getByRole('alert').textContent).toBe(messages.hostNotReady('Zendesk'));
  });

  it('waits 10 seconds by default', async () => {
    vi.useFakeTimers();
    try {
      const { container } = render(<SidebarRoot connect={() => new Promise<SidebarConnection>(() => undefined)} deskName="Jira" />);
      await act(async () => vi.advanceTimersByTime(9_999));
      expect(sidebarRoot(container).dataset.state).toBe('loading');
      await act(async () => vi.advanceTimersByTime(1));
      expect(sidebarRoot(container).dataset.state).toBe('host-not-ready');
    } finally {
      vi.useRealTimers();
    }
  });

  it('ignores a connection that arrives after it gave up', async () => {
    let resolve: (c: SidebarConnection) => void = () => undefined;
    const { container } = render(
      <SidebarRoot connect={() => new Promise<SidebarConnection>((r) => (resolve = r))} deskName="Zendesk" connectTimeoutMs={10} />,
    );
    await waitFor(() => expect(sidebarRoot(container).dataset.state).toBe('host-not-ready'));
    await act(async () => resolve({ host: new FakeSidebarHost(), api: new FakeSidebarApi() }));
    expect(sidebarRoot(container).dataset.state).toBe('host-not-ready');
  });
});
