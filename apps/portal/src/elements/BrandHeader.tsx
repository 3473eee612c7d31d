import { getColor } from '@zendeskgarden/react-theming';
import type { PublicBranding } from '@vouchsafe/contracts';
import { brandTheme } from '../trust/brand-theme';

/**
 * The bank's header on every customer page (reveal, check, and the upload page to come): its logo and name on its
 * colour. The colours are Garden's (`getColor` over the bank's theme, brand-theme.ts: a contrast-checked scale
 * built from the validated `#rrggbb`), never the stored value pasted into CSS. Shows only what the server says about
 * the bank; nothing comes from the link. Reusable: any page may render it.
 */
export interface BrandHeaderProps {
  branding: PublicBranding | undefined;
}

export function BrandHeader({ branding }: BrandHeaderProps) {
  const theme = brandTheme(branding);
  const colors = {
    background: getColor({ theme, variable: 'background.primaryEmphasis' }),
    color: getColor({ theme, variable: 'foreground.onEmphasis' }),
  };
  return (
    <header className="vs-brand" style={colors} data-testid="brand-header">
      <div className="vs-brand-inner">
        {/* The name is written next to the logo, so the image is decoration for a screen reader. */}
        {branding?.logoUrl && <img className="vs-brand-logo" src={branding.logoUrl} alt="" />}
        <p className="vs-brand-name">{branding?.displayName ?? '\u00a0'}</p>
      </div>
    </header>
  );
}
