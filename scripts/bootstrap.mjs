// Shared by start.mjs and test.mjs: make a fresh clone runnable with nothing but Node 20 and npm.
// pnpm comes from the npm registry at the version the workspace pins; dependencies install from
// the lockfile. Nothing here downloads anything but npm packages.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
export const PNPM_VERSION = pkg.packageManager.replace(/^pnpm@/, '');

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Vouchsafe needs Node.js 20.19 or newer; this is ${process.versions.node}.`);
  process.exit(1);
}

function pnpmCommand() {
  // Prefer a pnpm of the pinned version already on PATH (e.g. when started as `pnpm start`).
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === PNPM_VERSION) return ['pnpm', []];
  return ['npx', ['--yes', `pnpm@${PNPM_VERSION}`]];
}

const [PNPM_BIN, PNPM_PREFIX] = pnpmCommand();

process.env.TURBO_TELEMETRY_DISABLED = '1';
process.env.DO_NOT_TRACK = '1';

export function pnpm(args, opts = {}) {
  const r = spawnSync(PNPM_BIN, [...PNPM_PREFIX, ...args], { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`\n✖ pnpm ${args.join(' ')} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status || 1);
  }
}

export function spawnPnpm(args, opts = {}) {
  return spawn(PNPM_BIN, [...PNPM_PREFIX, ...args], { cwd: ROOT, stdio: 'inherit', ...opts });
}

/**
 * node-gyp builds native addons (pkcs11js, the PKCS#11 binding) against Node's headers. npm is told where they are
 * on these machines; pnpm is not, and node-gyp would download them from the internet: point it at the headers that
 * ship beside this Node when they are there.
 */
function nodeHeadersEnv() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return !process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include', 'node', 'node.h'))
    ? { npm_config_nodedir: prefix }
    : {};
}

export function install() {
  console.log(`• Installing dependencies with pnpm ${PNPM_VERSION} (from the lockfile)…`);
  pnpm(['install', '--frozen-lockfile', '--reporter=append-only', '--config.confirmModulesPurge=false'], {
    env: { ...process.env, CI: process.env.CI ?? 'true', ...nodeHeadersEnv() },
  });
}
