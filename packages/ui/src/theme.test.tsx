import { act, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_THEME } from '@zendeskgarden/react-theming';
import type { ColorScheme } from '@vouchsafe/contracts';
import { colorsFor, cssVariablesFor, themeFor, ThemeRoot, useColorSchemeOf, type ColorSchemeSource, type ColorToken } from './theme';

/** WCAG 2.x relative luminance and contrast ratio of two `#rgb` / `#rrggbb` colours. */
function luminance(color: string): number {
  const hex = /^#[0-9a-f]{3}$/i.test(color) ? color.replace(/[0-9a-f]/gi, (c) => c + c) : color;
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`not an opaque #rrggbb colour: ${color}`);
  const [r, g, b] = match.slice(1).map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a: string, b: string): number => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

/** Text tokens on the surfaces they are used on: WCAG AA for normal text is 4.5:1. */
const TEXT: ColorToken[] = ['foreground', 'muted', 'primary', 'danger', 'success', 'warning'];
const SURFACES: ColorToken[] = ['background', 'surface', 'subtle'];

describe('themeFor', () => {
  it("is Garden's DEFAULT_THEME in the scheme, the same object each time", () => {
    expect(themeFor('light')).toBe(DEFAULT_THEME);
    expect(themeFor('dark').colors.base).toBe('dark');
    expect(themeFor('dark')).toBe(themeFor('dark'));
    expect({ ...themeFor('dark'), colors: undefined }).toEqual({ ...DEFAULT_THEME, colors: undefined });
  });

  it('resolves every token to a different, opaque colour per scheme: dark is dark, light is light', () => {
    const light = colorsFor('light');
    const dark = colorsFor('dark');
    expect(luminance(light.background)).toBeGreaterThan(0.9);
    expect(luminance(dark.background)).toBeLessThan(0.05);
    expect(luminance(dark.foreground)).toBeGreaterThan(luminance(dark.background));
    expect(cssVariablesFor('dark')['--vs-color-border-subtle']).toBe(dark.borderSubtle);
  });

  it.each<ColorScheme>(['light', 'dark'])('meets WCAG AA (4.5:1) for every text colour on every surface in %s', (scheme) => {
    const colors = colorsFor(scheme);
    const failures = TEXT.flatMap((text) =>
      SURFACES.map((surface) => ({ text, surface, ratio: contrast(colors[text], colors[surface]) })).filter((c) => c.ratio < 4.5),
    );
    expect(failures).toEqual([]);
    expect(contrast(colors.foreground, colors.dangerBackground)).toBeGreaterThanOrEqual(4.5);
  });
});

describe('ThemeRoot', () => {
  it('puts the scheme and its custom properties on <html> while mounted', () => {
    const root = document.documentElement;
    const { rerender, unmount } = render(<ThemeRoot scheme="dark">x</ThemeRoot>);
    expect(root.dataset.colorScheme).toBe('dark');
    expect(root.style.getPropertyValue('--vs-color-background')).toBe(colorsFor('dark').background);
    expect(root.style.getPropertyValue('color-scheme')).toBe('dark');
    rerender(<ThemeRoot scheme="light">x</ThemeRoot>);
    expect(root.style.getPropertyValue('--vs-color-background')).toBe(colorsFor('light').background);
    unmount();
    expect(root.dataset.colorScheme).toBeUndefined();
    expect(root.style.getPropertyValue('--vs-color-background')).toBe('');
  });
});

function Probe({ source }: { source?: ColorSchemeSource }) {
  return <span data-testid="scheme">{useColorSchemeOf(source)}</span>;
}

function fakeMedia(matches: boolean) {
  const listeners = new Set<() => void>();
  const media = {
    matches,
    addEventListener: (_: string, l: () => void) => listeners.add(l),
    removeEventListener: (_: string, l: () => void) => listeners.delete(l),
  };
  vi.spyOn(window, 'matchMedia').mockImplementation(() => media as unknown as MediaQueryList);
  return {
    set(next: boolean) {
      media.matches = next;
      act(() => listeners.forEach((l) => l()));
    },
    listeners,
  };
}

describe('useColorSchemeOf', () => {
  afterEach(() => vi.restoreAllMocks());

  it('follows prefers-color-scheme where the host reports nothing', () => {
    const media = fakeMedia(true);
    const { getByTestId, unmount } = render(<Probe source={{ colorScheme: () => undefined }} />);
    expect(getByTestId('scheme').textContent).toBe('dark');
    media.set(false);
    expect(getByTestId('scheme').textContent).toBe('light');
    unmount();
    expect(media.listeners.size).toBe(0);
  });

  it("prefers the desk's scheme over the browser's and follows its changes until unmounted", () => {
    fakeMedia(false);
    let scheme: ColorScheme = 'dark';
    const listeners = new Set<(s: ColorScheme) => void>();
    const host: ColorSchemeSource = {
      colorScheme: () => scheme,
      onColorSchemeChange: (cb) => {
        listeners.add(cb);
        return () => listeners.delete(cb);
      },
    };
    const { getByTestId, unmount } = render(<Probe source={host} />);
    expect(getByTestId('scheme').textContent).toBe('dark');
    scheme = 'light';
    act(() => listeners.forEach((l) => l('light')));
    expect(getByTestId('scheme').textContent).toBe('light');
    unmount();
    expect(listeners.size).toBe(0);
  });
});
