import { DEFAULT_THEME, type IGardenTheme } from '@zendeskgarden/react-theming';
import type { PublicBranding } from '@vouchsafe/contracts';
import { isHexColor } from '../api/trust-api';

/**
 * The bank's colour enters the page only through Garden's theme (its primary hue), and only as a validated
 * `#rrggbb` that the server checked for 4.5:1 against white. Anything else keeps Garden's default theme.
 */
export function brandTheme(branding: PublicBranding | undefined): IGardenTheme {
  const color = branding?.brandColor;
  if (!isHexColor(color)) return DEFAULT_THEME;
  return { ...DEFAULT_THEME, colors: { ...DEFAULT_THEME.colors, primaryHue: color } };
}

/** The bank's validated colour as Garden's primary hue for `ThemeRoot` (light or dark), or undefined. */
export function brandHue(branding: PublicBranding | undefined): string | undefined {
  const color = branding?.brandColor;
  return isHexColor(color) ? color : undefined;
}
