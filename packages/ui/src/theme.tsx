import { useCallback, useLayoutEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { DEFAULT_THEME, ThemeProvider, getColor, type IGardenTheme } from '@zendeskgarden/react-theming';
import type { ColorScheme, SidebarHost } from '@vouchsafe/contracts';

/**
 * Issue 14: the one place colours come from. Every page (sidebars, portal, consoles) renders inside `ThemeRoot`,
 * which gives Garden's components the theme of the scheme (`colors.base`) and puts the semantic colours below on
 * `<html>` as CSS custom properties (`--vs-color-*`), so plain elements and the apps' CSS files use
 * `var(--vs-color-…)` instead of literals. The values are Garden's own semantic colour variables resolved with
 * `getColor`, so they change with Garden. This file is the only one allowed to hold colour literals
 * (`no-hard-coded-colours.test.ts`); it holds none today.
 */

export type { ColorScheme };

const THEMES: Record<ColorScheme, IGardenTheme> = {
  light: DEFAULT_THEME,
  dark: { ...DEFAULT_THEME, colors: { ...DEFAULT_THEME.colors, base: 'dark' } },
};

/** Garden's DEFAULT_THEME in the given scheme (the same object every time: getColor memoises by identity). */
export const themeFor = (scheme: ColorScheme): IGardenTheme => THEMES[scheme];

/** Semantic colour → Garden colour variable (`background.default` …), resolved per scheme. */
const TOKENS = {
  background: 'background.default',
  /** Raised surfaces: cards, bars, tables. */
  surface: 'background.raised',
  /** A page around raised surfaces, and quiet panels. */
  subtle: 'background.subtle',
  foreground: 'foreground.default',
  /** Secondary text (captions, hints); still AA on background, surface and subtle. */
  muted: 'foreground.subtle',
  border: 'border.default',
  borderSubtle: 'border.subtle',
  /** Links and focus outlines. */
  primary: 'foreground.primary',
  danger: 'foreground.danger',
  success: 'foreground.success',
  warning: 'foreground.warning',
  dangerBackground: 'background.danger',
} as const;

export type ColorToken = keyof typeof TOKENS;

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The CSS custom property of a token: `--vs-color-border-subtle`. */
export const cssVariableName = (token: ColorToken): string => `--vs-color-${kebab(token)}`;

/** `var(--vs-color-…)` for inline styles and style objects. */
export const colorVar = (token: ColorToken): string => `var(${cssVariableName(token)})`;

const resolve = (scheme: ColorScheme): Record<ColorToken, string> => {
  const theme = themeFor(scheme);
  const entries = Object.entries(TOKENS).map(([token, variable]) => [token, getColor({ theme, variable })]);
  return Object.fromEntries(entries) as Record<ColorToken, string>;
};

const COLORS: Record<ColorScheme, Record<ColorToken, string>> = { light: resolve('light'), dark: resolve('dark') };

/** The resolved colour of every token in a scheme (for tests and for callers that cannot use CSS variables). */
export const colorsFor = (scheme: ColorScheme): Readonly<Record<ColorToken, string>> => COLORS[scheme];

/** The custom properties ThemeRoot puts on `<html>`: `{ '--vs-color-background': '#fff', … }`. */
export const cssVariablesFor = (scheme: ColorScheme): Record<string, string> =>
  Object.fromEntries(Object.entries(COLORS[scheme]).map(([token, value]) => [cssVariableName(token as ColorToken), value]));

const DARK_QUERY = '(prefers-color-scheme: dark)';

const mediaQuery = (): MediaQueryList | undefined =>
  typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia(DARK_QUERY) : undefined;

/** The browser's (operating system's) preference; light where it says nothing. */
export const preferredColorScheme = (): ColorScheme => (mediaQuery()?.matches ? 'dark' : 'light');

function subscribePreferred(onChange: () => void): () => void {
  const query = mediaQuery();
  query?.addEventListener('change', onChange);
  return () => query?.removeEventListener('change', onChange);
}

/** `prefers-color-scheme`, following changes: the portal and the consoles. */
export function usePreferredColorScheme(): ColorScheme {
  return useSyncExternalStore(subscribePreferred, preferredColorScheme, () => 'light');
}

export type ColorSchemeSource = Pick<SidebarHost, 'colorScheme' | 'onColorSchemeChange'>;

/** The desk's scheme where its adapter reports one, else `prefers-color-scheme`; follows both. */
export function useColorSchemeOf(source: ColorSchemeSource | undefined): ColorScheme {
  const subscribe = useCallback(
    (onChange: () => void): (() => void) => {
      const offHost = source?.onColorSchemeChange?.(() => onChange());
      const offPreferred = subscribePreferred(onChange);
      return () => {
        offHost?.();
        offPreferred();
      };
    },
    [source],
  );
  const snapshot = useCallback((): ColorScheme => source?.colorScheme?.() ?? preferredColorScheme(), [source]);
  return useSyncExternalStore(subscribe, snapshot, () => 'light');
}

/** Puts the scheme's custom properties, `color-scheme` and the page colours on `<html>` while mounted. */
function useSchemeOnDocument(scheme: ColorScheme): void {
  useLayoutEffect(() => {
    const root = document.documentElement;
    const variables = cssVariablesFor(scheme);
    for (const [name, value] of Object.entries(variables)) root.style.setProperty(name, value);
    // Native controls and scrollbars follow; the page colours apply where no stylesheet sets them (the sidebars).
    root.style.setProperty('color-scheme', scheme);
    root.style.setProperty('background-color', colorVar('background'));
    root.style.setProperty('color', colorVar('foreground'));
    root.dataset.colorScheme = scheme;
    return () => {
      for (const name of [...Object.keys(variables), 'color-scheme', 'background-color', 'color']) root.style.removeProperty(name);
      delete root.dataset.colorScheme;
    };
  }, [scheme]);
}

export interface ThemeRootProps {
  scheme: ColorScheme;
  /**
   * Issue 14: a tenant's brand colour as Garden's primary hue (customer pages only). The caller passes only a value
   * the server validated and contrast-checked (`#rrggbb`); it reaches the page through Garden's theme, never as CSS.
   */
  primaryHue?: string | undefined;
  children: ReactNode;
}

/** The root of every page: Garden's theme in `scheme` plus the `--vs-color-*` properties on `<html>`. */
export function ThemeRoot({ scheme, primaryHue, children }: ThemeRootProps) {
  useSchemeOnDocument(scheme);
  // One object per scheme and hue: getColor memoises by the theme's identity.
  const theme = useMemo(() => {
    const base = themeFor(scheme);
    return primaryHue ? { ...base, colors: { ...base.colors, primaryHue } } : base;
  }, [scheme, primaryHue]);
  return <ThemeProvider theme={theme}>{children}</ThemeProvider>;
}
