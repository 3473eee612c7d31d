import type { CSSProperties } from 'react';
import { DEFAULT_THEME } from '@zendeskgarden/react-theming';
import { colorVar } from './theme';

/**
 * Layout only (Garden styles the controls). Plain style objects built from Garden's theme tokens; colours are the
 * scheme's CSS custom properties (theme.tsx), never literals:
 * the workspace has no styled-components type declarations, and a handful of flex rows does not
 * justify adding them.
 */
const { space, fontSizes, fontWeights, borders, fonts } = DEFAULT_THEME;

export const frame: CSSProperties = {
  boxSizing: 'border-box',
  padding: space.sm,
  fontFamily: fonts.system,
  background: colorVar('background'),
  color: colorVar('foreground'),
};
export const column: CSSProperties = { display: 'flex', flexDirection: 'column', alignItems: 'stretch', gap: space.sm };
export const notice: CSSProperties = { ...column, alignItems: 'flex-start', padding: `${space.sm} 0` };
export const row: CSSProperties = { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: space.xs, marginTop: space.xs };
export const section: CSSProperties = { marginTop: space.md };
export const heading: CSSProperties = { margin: `0 0 ${space.xs}` };
export const block: CSSProperties = { marginBottom: space.sm };
export const summaryList: CSSProperties = {
  display: 'grid',
  gridTemplateColumns: 'max-content 1fr',
  gap: `${space.xxs} ${space.sm}`,
  margin: `0 0 ${space.sm}`,
  fontSize: fontSizes.sm,
};
export const summaryTerm: CSSProperties = { fontWeight: fontWeights.semibold };
export const summaryValue: CSSProperties = { margin: 0, overflowWrap: 'anywhere' };
export const plainList: CSSProperties = { listStyle: 'none', margin: 0, padding: 0 };
export const listItem: CSSProperties = { padding: `${space.xs} 0`, borderBottom: `${borders.sm} ${colorVar('borderSubtle')}` };
export const danger: CSSProperties = { color: colorVar('danger') };
export const muted: CSSProperties = { color: colorVar('muted') };
export const bigCode: CSSProperties = { fontSize: fontSizes.xxl, fontWeight: fontWeights.bold, letterSpacing: '0.1em' };
export const grow: CSSProperties = { flex: '1 1 6rem', minWidth: 0 };
export const wrapAnywhere: CSSProperties = { overflowWrap: 'anywhere' };
/** Present for keyboard and assistive technology, invisible on screen. */
export const visuallyHidden: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
};
/** Controls side by side, aligned on their bottom edge (labels of different heights above them). */
export const bottomRow: CSSProperties = { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: space.sm };
/** The send confirmation: Garden's Well padding (20 px+) left a wide empty margin in a 320 px sidebar. */
export const confirmation: CSSProperties = { ...block, padding: space.sm };
