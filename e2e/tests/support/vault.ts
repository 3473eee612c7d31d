import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { APIRequestContext } from '@playwright/test';
import { TEST_API_TOKEN } from '@vouchsafe/test-support';
import { runCli } from './cli';

/** The parts of a secret link `<origin>/s/<id>#<key>`. */
export function partsOf(link: string): { origin: string; id: string; key: string } {
  const url = new URL(link);
  const id = /^\/s\/([A-Za-z0-9_-]{22})$/.exec(url.pathname)?.[1];
  if (!id) throw new Error(`not a secret link: ${link}`);
  return { origin: url.origin, id, key: url.hash.replace(/^#/, '') };
}

/** The link without its fragment: what a server, a scanner or a truncating mail client sees. */
export const withoutKey = (link: string): string => link.split('#')[0]!;

export interface Metadata {
  status: number;
  body: any;
}

/** GET /api/v1/secrets/{id} for the link's secret. Never consumes; a 404 means the secret is gone. */
export async function metadataOf(request: APIRequestContext, link: string): Promise<Metadata> {
  const { origin, id } = partsOf(link);
  const res = await request.get(`${origin}/api/v1/secrets/${id}`, { headers: { Accept: 'application/json' } });
  return { status: res.status(), body: await res.json().catch(() => undefined) };
}

/** The number of views left, or 'gone' when the API answers 404. */
export async function viewsLeftOf(request: APIRequestContext, link: string): Promise<number | 'gone'> {
  const { status, body } = await metadataOf(request, link);
  if (status === 404) return 'gone';
  if (status !== 200) throw new Error(`GET metadata answered ${status}: ${JSON.stringify(body)}`);
  return body.viewsLeft as number;
}

export const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');
export const sha256OfFile = async (file: string): Promise<string> => sha256(await readFile(file));

export type SecretSource = { text: string } | { file: string };

/**
 * `vouchsafe secret create (--text T | --file F) [args]` against the run's API; resolves with the link (the
 * last line of stdout). `file` must be an absolute path: the CLI runs in services/api.
 */
export async function createSecret(source: SecretSource, args: readonly string[] = []): Promise<string> {
  const api = process.env.VOUCHSAFE_E2E_URL;
  if (!api) throw new Error('createSecret: no API URL (VOUCHSAFE_E2E_URL is set by the e2e globalSetup)');
  const what = 'text' in source ? ['--text', source.text] : ['--file', source.file];
  const { stdout } = await runCli(['secret', 'create', ...what, '--api', api, '--token', TEST_API_TOKEN, ...args]);
  const link = stdout.trim().split('\n').pop()?.trim();
  if (!link) throw new Error(`vouchsafe secret create printed nothing\n${stdout}`);
  return link;
}

/** Everything the API has logged so far (mirrored to a file by global-setup.ts every 200 ms). */
export async function readApiLog(): Promise<string> {
  const file = process.env.VOUCHSAFE_E2E_API_LOG;
  if (!file) throw new Error('readApiLog: VOUCHSAFE_E2E_API_LOG is set by the e2e globalSetup');
  return readFile(file, 'utf8').catch(() => '');
}

/**
 * The API log once it contains `marker` (e.g. a request id from an X-Request-Id header), so assertions about
 * what is NOT in the log are made after the interesting lines have been written.
 */
export async function apiLogContaining(marker: string, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await readApiLog();
    if (log.includes(marker)) return log;
    if (Date.now() > deadline) throw new Error(`the API log did not mention ${marker} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
