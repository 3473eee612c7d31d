import { existsSync } from 'node:fs';
import { aptInstall } from './apt';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for headless Chromium in containers and CI: no sandbox (we run as root), no GPU, and none of the
 * background traffic (updates, sync, QUIC probes) that makes loopback tests noisy or slow.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/**
 * Returns the path of a system Chromium: `$CHROMIUM_PATH` if it exists, else the Debian package's binary,
 * installing the Debian package first when we are root on Debian. Never downloads a browser build.
 */
export async function ensureChromium(): Promise<string> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;

  if (process.getuid?.() === 0 && existsSync('/etc/debian_version')) {
    await aptInstall('chromium');
    if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
    throw new Error(`apt-get install chromium finished but ${DEBIAN_CHROMIUM} does not exist.`);
  }

  throw new Error(
    'Chromium not found: install the Debian package (sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary.',
  );
}
