import { act, render, screen } from '@testing-library/react';
import type { ColorScheme } from '@vouchsafe/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeSidebarHost } from '../testing/fake-sidebar';
import { sidebarRoot } from '../testing/render';
import { SidebarFrame } from './SidebarFrame';

describe('SidebarFrame', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('carries the state on its root and marks loading as busy', () => {
    const { container, rerender } = render(<SidebarFrame state="loading">x</SidebarFrame>);
    expect(sidebarRoot(container).dataset.state).toBe('loading');
    expect(sidebarRoot(container).getAttribute('aria-busy')).toBe('true');
    rerender(<SidebarFrame state="ready">x</SidebarFrame>);
    expect(sidebarRoot(container).getAttribute('aria-busy')).toBeNull();
  });

  it('stills animations and transitions for people who asked for reduced motion (issue 14)', () => {
    const { container } = render(<SidebarFrame state="ready">x</SidebarFrame>);
    const css = container.querySelector('style')?.textContent ?? '';
    expect(css).toMatch(/^@media \(prefers-reduced-motion: reduce\)\{/);
    expect(css).toContain('animation-duration:0.01ms!important');
    expect(css).toContain('transition-duration:0.01ms!important');
  });

  it('reports the body height to the host when content resizes', () => {
    let onResize: () => void = () => undefined;
    vi.stubGlobal(
      'ResizeObserver',
      class {
        constructor(cb: () => void) {
          onResize = cb;
        }
        observe() {}
        disconnect() {}
      },
    );
    const host = new FakeSidebarHost();
    let height = 120;
    vi.spyOn(document.body, 'scrollHeight', 'get').mockImplementation(() => height);
    render(
      <SidebarFrame state="ready" host={host}>
        <p>content</p>
      </SidebarFrame>,
    );
    expect(screen.getByText('content')).toBeTruthy();
    expect(host.heights).toEqual([120]);
    onResize();
    expect(host.heights).toEqual([120]);
    height = 300;
    onResize();
    expect(host.heights).toEqual([120, 300]);
  });

  it('measures after each render without ResizeObserver', () => {
    vi.stubGlobal('ResizeObserver', undefined);
    const host = new FakeSidebarHost();
    let height = 50;
    vi.spyOn(document.body, 'scrollHeight', 'get').mockImplementation(() => height);
    const { rerender } = render(
      <SidebarFrame state="loading" host={host}>
        a
      </SidebarFrame>,
    );
    height = 80;
    rerender(
      <SidebarFrame state="ready" host={host}>
        b
      </SidebarFrame>,
    );
    expect(host.heights).toEqual([50, 80]);
  });

  it("themes itself in the desk's colour scheme and follows the desk when it switches", () => {
    let scheme: ColorScheme = 'dark';
    const listeners = new Set<(s: ColorScheme) => void>();
    const host = {
      resize: () => undefined,
      colorScheme: () => scheme,
      onColorSchemeChange: (cb: (s: ColorScheme) => void) => {
        listeners.add(cb);
        return () => listeners.delete(cb);
      },
    };
    const { container } = render(
      <SidebarFrame state="ready" host={host}>
        x
      </SidebarFrame>,
    );
    expect(sidebarRoot(container).dataset.colorScheme).toBe('dark');
    expect(document.documentElement.dataset.colorScheme).toBe('dark');
    scheme = 'light';
    act(() => listeners.forEach((l) => l('light')));
    expect(sidebarRoot(container).dataset.colorScheme).toBe('light');
    expect(document.documentElement.dataset.colorScheme).toBe('light');
  });
});
