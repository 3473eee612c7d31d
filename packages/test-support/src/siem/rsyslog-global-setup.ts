import { ensureRsyslog } from './rsyslog';

/** vitest `globalSetup`: makes sure rsyslogd is installed before any SIEM test runs (apt-get, once, when missing). */
export default async function setup(): Promise<void> {
  await ensureRsyslog();
}
