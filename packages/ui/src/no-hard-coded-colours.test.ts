// @vitest-environment node
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Issue 14: no hard-coded colours in the browser apps. Colours come from the scheme (`theme.tsx`: Garden's theme for
 * components, `var(--vs-color-*)` for everything else), so a literal would stay light in dark mode. This file reads
 * the sources of every page the product ships (tests and test helpers excluded) and fails on a colour literal or a
 * direct read of Garden's palette. Allow-listed: the one theme file.
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const ROOTS = [
  'packages/ui/src',
  'packages/console/src',
  'apps/portal/src',
  'apps/portal/index.html',
  'apps/admin/src',
  'apps/admin/index.html',
  'apps/review/src',
  'apps/review/index.html',
  'apps/zendesk/src',
  'apps/zendesk/index.html',
  'apps/servicenow/src',
  'apps/servicenow/index.html',
  'apps/jira/src',
  'apps/jira/index.html',
];
const ALLOWED = new Set(['packages/ui/src/theme.tsx']);
const SOURCE = /\.(ts|tsx|css|html|mjs)$/;
const NOT_SHIPPED = /(\.test\.|\.spec\.|test-setup\.ts$|\/testing\/)/;

const RULES: { name: string; pattern: RegExp; only?: RegExp }[] = [
  { name: 'hex colour', pattern: /(?<![\w&$/])#(?:[0-9a-f]{8}|[0-9a-f]{6}|[0-9a-f]{3,4})(?![\w-])/gi },
  { name: 'colour function', pattern: /\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch)\(/gi },
  { name: "Garden's palette (not scheme-aware)", pattern: /\b(?:PALETTE|palette)\s*(?:\.|\[|\?\.)/g },
  {
    name: 'named colour',
    pattern:
      /(?:color|background|border(?:-[a-z]+)?|outline|fill|stroke)\s*:\s*[^;{}]*\b(?:white|black|red|green|blue|gray|grey|silver)\b/gi,
    only: /\.css$/,
  },
];

function filesUnder(path: string): string[] {
  const absolute = join(REPO, path);
  if (SOURCE.test(path)) return [absolute];
  return readdirSync(absolute, { recursive: true, encoding: 'utf8' })
    .filter((name) => SOURCE.test(name) && !name.includes('node_modules'))
    .map((name) => join(absolute, name));
}

/** `file:line: text` for every colour literal outside the theme file. */
export function findHardCodedColours(files: string[], read: (file: string) => string = (f) => readFileSync(f, 'utf8')): string[] {
  const found: string[] = [];
  for (const file of files) {
    const name = relative(REPO, file);
    if (ALLOWED.has(name) || NOT_SHIPPED.test(name)) continue;
    read(file)
      .split('\n')
      .forEach((line, i) => {
        for (const rule of RULES) {
          if (rule.only && !rule.only.test(name)) continue;
          if (new RegExp(rule.pattern.source, rule.pattern.flags).test(line)) found.push(`${name}:${i + 1}: ${rule.name}: ${line.trim()}`);
        }
      });
  }
  return found;
}

describe('no hard-coded colours', () => {
  it('finds none in the sidebars, the portal and the consoles (use theme.tsx tokens / var(--vs-color-*))', () => {
    const files = ROOTS.flatMap(filesUnder);
    expect(files.length).toBeGreaterThan(50);
    expect(findHardCodedColours(files)).toEqual([]);
  });

  it('would catch each kind of literal, and not a URL fragment', () => {
    const sample: Record<string, string> = {
      [join(REPO, 'apps/portal/src/a.css')]: 'body { color: #2f3941; }\n.x { border: 1px solid white; }',
      [join(REPO, 'packages/ui/src/b.ts')]:
        "const x = { color: 'rgb(0, 0, 0)' };\nconst y = DEFAULT_THEME.palette.red;\nconst link = `/s/${id}#${key}`; const h = '#abc-def';",
      [join(REPO, 'packages/ui/src/theme.tsx')]: "const white = '#fff';",
    };
    expect(findHardCodedColours(Object.keys(sample), (f) => sample[f] ?? '').map((f) => f.split(': ')[1])).toEqual([
      'hex colour',
      'named colour',
      'colour function',
      "Garden's palette (not scheme-aware)",
    ]);
  });
});
