import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { aptInstall } from '../apt';
import { freePort, isPortOpen } from '../ports';
import { testCa } from '../tls';

/**
 * A real rsyslogd (Debian package `rsyslog`, TLS through `rsyslog-openssl`) for SIEM tests: run in the foreground
 * with a configuration of our own (imtcp on a free loopback port, octet-counted framing, RFC 5424 parsing) that writes
 * every message it parsed as one JSON line. Installed on demand like Chromium (`ensureRsyslog`, from the API's vitest
 * global setup), so a fresh Debian machine needs no manual step.
 */

export const RSYSLOGD = '/usr/sbin/rsyslogd';
const OSSL_DRIVER = '/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_ossl.so';

/** Installs rsyslog (and its OpenSSL stream driver) when missing and we are root on Debian; returns rsyslogd's path. */
export async function ensureRsyslog(): Promise<string> {
  if (existsSync(RSYSLOGD) && existsSync(OSSL_DRIVER)) return RSYSLOGD;
  if (process.getuid?.() === 0 && existsSync('/etc/debian_version')) {
    await aptInstall('rsyslog rsyslog-openssl');
    if (existsSync(RSYSLOGD)) return RSYSLOGD;
  }
  throw new Error('rsyslogd not found: install the Debian packages (sudo apt-get install rsyslog rsyslog-openssl).');
}

/** What rsyslog parsed out of one message (its RFC 5424 parser's properties). */
export interface RsyslogEntry {
  /** "1" when rsyslog parsed the message as RFC 5424. */
  version: string;
  pri: string;
  facility: string;
  severity: string;
  timestamp: string;
  hostname: string;
  app: string;
  procid: string;
  msgid: string;
  sd: string;
  msg: string;
}

export interface StartedRsyslog {
  port: number;
  /** Every message written so far, in arrival order. */
  entries(): RsyslogEntry[];
  stop(): Promise<void>;
}

export interface StartRsyslogOptions {
  /** Serve syslog over TLS (RFC 5425) with a certificate from this process's throwaway CA (`testCa()`). */
  isTls?: boolean;
  /** Listen on this port (a receiver coming back where its clients expect it); default a free one. */
  port?: number;
}

function config(dir: string, port: number, isTls: boolean): string {
  const tlsGlobal = isTls
    ? (() => {
        const leaf = testCa().issue();
        writeFileSync(path.join(dir, 'key.pem'), leaf.key, { mode: 0o600 });
        writeFileSync(path.join(dir, 'cert.pem'), leaf.cert);
        writeFileSync(path.join(dir, 'ca.pem'), testCa().certPem);
        return ` defaultNetstreamDriverCAFile="${dir}/ca.pem" defaultNetstreamDriverCertFile="${dir}/cert.pem" defaultNetstreamDriverKeyFile="${dir}/key.pem"`;
      })()
    : '';
  const driver = isTls ? ' streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="anon"' : '';
  const field = (outname: string, name: string, extra = '') => `  property(outname="${outname}" name="${name}" format="jsonf"${extra})`;
  return `
global(workDirectory="${dir}" maxMessageSize="64k"${tlsGlobal})
module(load="imtcp"${driver})
template(name="entry" type="list" option.jsonf="on") {
${[
  field('version', 'protocol-version'),
  field('pri', 'pri'),
  field('facility', 'syslogfacility'),
  field('severity', 'syslogseverity'),
  field('timestamp', 'timereported', ' dateFormat="rfc3339"'),
  field('hostname', 'hostname'),
  field('app', 'app-name'),
  field('procid', 'procid'),
  field('msgid', 'msgid'),
  field('sd', 'structured-data'),
  field('msg', 'msg'),
].join('\n')}
}
ruleset(name="in") { action(type="omfile" file="${dir}/out.jsonl" template="entry") }
input(type="imtcp" port="${port}" address="127.0.0.1" ruleset="in")
`;
}

export async function startRsyslog(options: StartRsyslogOptions = {}): Promise<StartedRsyslog> {
  const rsyslogd = await ensureRsyslog();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vouchsafe-rsyslog-'));
  const out = path.join(dir, 'out.jsonl');
  let child: ChildProcess | undefined;
  let port = 0;
  let stderr = '';
  // The port is free when we ask; another process may take it first, so try again on a failed start.
  for (let attempt = 0; attempt < 3 && !child; attempt += 1) {
    port = options.port ?? (await freePort());
    writeFileSync(path.join(dir, 'rsyslog.conf'), config(dir, port, options.isTls ?? false));
    const c = spawn(rsyslogd, ['-n', '-f', path.join(dir, 'rsyslog.conf'), '-i', path.join(dir, 'rsyslogd.pid')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    c.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && c.exitCode === null && !(await isPortOpen(port, 200))) await new Promise((r) => setTimeout(r, 50));
    if (c.exitCode === null && (await isPortOpen(port, 200))) child = c;
    else c.kill('SIGKILL');
  }
  if (!child) throw new Error(`rsyslogd did not start: ${stderr.slice(0, 500)}`);
  const running = child;
  return {
    port,
    entries() {
      if (!existsSync(out)) return [];
      return readFileSync(out, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RsyslogEntry);
    },
    async stop() {
      if (running.exitCode === null) {
        const exited = new Promise((r) => running.once('exit', r));
        running.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
        if (running.exitCode === null) running.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
