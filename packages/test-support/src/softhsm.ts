import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { aptInstall } from './apt';

const run = promisify(execFile);

/** Where Debian's `softhsm2` package puts the PKCS#11 module and the token tool. */
const DEBIAN_MODULES = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so'];
const DEBIAN_UTIL = '/usr/bin/softhsm2-util';

export interface SoftHsm {
  /** The PKCS#11 module to load (`VOUCHSAFE_PKCS11_MODULE`). */
  modulePath: string;
  /** `softhsm2-util`, which initialises tokens. */
  util: string;
}

const found = (): SoftHsm | undefined => {
  const modulePath = DEBIAN_MODULES.find((p) => existsSync(p));
  return modulePath && existsSync(DEBIAN_UTIL) ? { modulePath, util: DEBIAN_UTIL } : undefined;
};

/**
 * SoftHSM2 from Debian's package, installed with apt when it is missing and we are root on Debian (like Chromium).
 * Never downloads anything else.
 */
export async function ensureSoftHsm(): Promise<SoftHsm> {
  const present = found();
  if (present) return present;
  if (process.getuid?.() === 0 && existsSync('/etc/debian_version')) {
    await aptInstall('softhsm2');
    const installed = found();
    if (installed) return installed;
    throw new Error(`apt-get install softhsm2 finished but neither ${DEBIAN_MODULES.join(' nor ')} exists.`);
  }
  throw new Error('SoftHSM2 not found: install the Debian package (sudo apt-get install softhsm2).');
}

export interface SoftHsmToken {
  /** The token's label (`VOUCHSAFE_PKCS11_TOKEN_LABEL`). */
  label: string;
  /** Its user PIN. */
  pin: string;
  /** Environment that points the SoftHSM module at this token's own directory: `{ SOFTHSM2_CONF }`. */
  env: { SOFTHSM2_CONF: string };
  /** Removes the token directory. */
  remove(): Promise<void>;
}

/**
 * A fresh SoftHSM token in a directory of its own (its own `softhsm2.conf`, so runs never share tokens), initialised
 * in the first free slot with `softhsm2-util --init-token`. Keys are made by the code under test.
 */
export async function createSoftHsmToken(hsm: SoftHsm, opts: { label?: string; pin?: string } = {}): Promise<SoftHsmToken> {
  const label = opts.label ?? 'vouchsafe-test';
  const pin = opts.pin ?? '1234';
  const dir = await mkdtemp(path.join(tmpdir(), 'vouchsafe-softhsm-'));
  const tokens = path.join(dir, 'tokens');
  await mkdir(tokens, { mode: 0o700 });
  const conf = path.join(dir, 'softhsm2.conf');
  await writeFile(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const env = { SOFTHSM2_CONF: conf };
  await run(hsm.util, ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', `so-${pin}`], {
    env: { ...process.env, ...env },
  });
  return { label, pin, env, remove: () => rm(dir, { recursive: true, force: true }) };
}
