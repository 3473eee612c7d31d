import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Validates manifest.yml with Atlassian's own validator (`@forge/manifest`, what the forge CLI runs
 * before a deploy), offline. It comes with @forge/bridge, so it is resolved from there.
 */
interface ValidationResult {
  success: boolean;
  errors?: { message: string; reference?: string }[];
  manifestObject?: { yamlContent: Record<string, any> };
}
const bridgeRequire = createRequire(
  realpathSync(new URL('../../../packages/host/node_modules/@forge/bridge/package.json', import.meta.url)),
);
const forgeManifest = createRequire(bridgeRequire.resolve('@forge/manifest'))('@forge/manifest') as {
  validate(basic: boolean, path: string): Promise<ValidationResult>;
};

const workDir = mkdtempSync(join(tmpdir(), 'vouchsafe-forge-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** A copy of the app dir's manifest next to a stand-in build, so the test does not need `vite build` first. */
function stage(transform: (yaml: string) => string = (yaml) => yaml): string {
  const dir = mkdtempSync(join(workDir, 'app-'));
  cpSync(new URL('../manifest.yml', import.meta.url), join(dir, 'manifest.yml'));
  writeFileSync(join(dir, 'manifest.yml'), transform(readFileSync(join(dir, 'manifest.yml'), 'utf8')));
  mkdirSync(join(dir, 'static/sidebar/build'), { recursive: true });
  writeFileSync(join(dir, 'static/sidebar/build/index.html'), '<!doctype html><div id="root"></div>');
  return join(dir, 'manifest.yml');
}

describe('manifest.yml', () => {
  let result: ValidationResult;
  // The first run compiles Forge's JSON schema (several seconds).
  beforeAll(async () => {
    result = await forgeManifest.validate(false, stage());
  }, 60_000);

  it('passes the Forge manifest validator', () => {
    expect(result.errors ?? []).toEqual([]);
    expect(result.success).toBe(true);
  });

  it('declares the issue context panel, its resource and the vouchsafe remote', () => {
    const yaml = result.manifestObject?.yamlContent ?? {};
    expect(yaml.modules['jira:issueContext']).toEqual([
      { key: 'vouchsafe-panel', resource: 'main', title: 'Vouchsafe', label: 'Vouchsafe' },
    ]);
    expect(yaml.resources).toEqual([{ key: 'main', path: 'static/sidebar/build' }]);
    // The key packages/host's forgeTransport uses (VOUCHSAFE_REMOTE_KEY).
    expect(yaml.remotes[0]).toMatchObject({ key: 'vouchsafe', operations: expect.arrayContaining(['fetch']) });
    expect(yaml.permissions.external.fetch.client).toContainEqual({ remote: 'vouchsafe' });
  });

  it('is a validator that can fail (issueContext without a label)', async () => {
    const broken = await forgeManifest.validate(
      false,
      stage((yaml) => yaml.replace(/^ {6}label: Vouchsafe\n/m, '')),
    );
    expect(broken.success).toBe(false);
  });
});

describe('the Jira entry', () => {
  it('never imports @forge/bridge statically (it throws outside Forge)', () => {
    const sources = [
      new URL('../src/main.tsx', import.meta.url),
      ...readdirSync(new URL('../../../packages/host/src/jira/', import.meta.url))
        .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
        .map((name) => new URL(`../../../packages/host/src/jira/${name}`, import.meta.url)),
    ];
    for (const source of sources) {
      const text = readFileSync(source, 'utf8');
      expect(text, source.pathname).not.toMatch(/^\s*import\s[^(]*['"]@forge\/bridge['"]/m);
      expect(text, source.pathname).not.toMatch(/^\s*export\s[^(]*from\s+['"]@forge\/bridge['"]/m);
    }
  });
});
