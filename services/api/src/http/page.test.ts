import { describe, expect, it } from 'vitest';
import { PAGE_CSS } from './page';

/** The custom properties of the light `:root` block and of the one under `prefers-color-scheme: dark`. */
function schemes(css: string): { light: Record<string, string>; dark: Record<string, string>; rest: string } {
  const light = /^:root\{([^}]*)\}/m.exec(css);
  const dark = /@media \(prefers-color-scheme:dark\)\{:root\{([^}]*)\}\}/.exec(css);
  if (!light?.[1] || !dark?.[1]) throw new Error('PAGE_CSS has no light :root block or no dark media block');
  const props = (block: string) =>
    Object.fromEntries(
      block
        .split(';')
        .map((d) => d.split(':') as [string, string])
        .filter(([name]) => name.startsWith('--vs-')),
    );
  return { light: props(light[1]), dark: props(dark[1]), rest: css.replace(light[0], '').replace(dark[0], '') };
}

function luminance(color: string): number {
  const hex = /^#[0-9a-f]{3}$/i.test(color) ? color.replace(/[0-9a-f]/gi, (c) => c + c) : color;
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`not an opaque colour: ${color}`);
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

describe('PAGE_CSS (the server-rendered pages under /verify/ and /v/)', () => {
  const { light, dark, rest } = schemes(PAGE_CSS);

  it('defines every colour once per scheme and uses only the custom properties elsewhere', () => {
    expect(Object.keys(dark).sort()).toEqual(Object.keys(light).sort());
    expect(PAGE_CSS).toContain('color-scheme:light dark');
    expect(rest).not.toMatch(/#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(/i);
  });

  it.each([
    ['light', light],
    ['dark', dark],
  ])('reads at WCAG AA in %s: text on page and card, the symbol on each tone', (_, c) => {
    const pairs: [string, string, number][] = [
      ['--vs-fg', '--vs-page', 4.5],
      ['--vs-fg', '--vs-surface', 4.5],
      ['--vs-muted', '--vs-page', 4.5],
      ['--vs-brand', '--vs-surface', 4.5],
      ...['--vs-info', '--vs-success', '--vs-warning', '--vs-error'].flatMap((tone): [string, string, number][] => [
        ['--vs-on-tone', tone, 4.5],
        [tone, '--vs-surface', 3],
      ]),
    ];
    const failures = pairs.map(([fg, bg, min]) => ({ fg, bg, min, ratio: contrast(c[fg]!, c[bg]!) })).filter((p) => p.ratio < p.min);
    expect(failures).toEqual([]);
  });

  it('is dark under prefers-color-scheme: dark', () => {
    expect(luminance(dark['--vs-page']!)).toBeLessThan(0.05);
    expect(luminance(light['--vs-page']!)).toBeGreaterThan(0.9);
  });
});
