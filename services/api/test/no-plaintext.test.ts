import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLinkKey, parseSecretLink } from '@vouchsafe/crypto';
import { API_DIR, ensurePgDump, startApi, type ApiProcess } from '@vouchsafe/test-support';
import { freshDatabase, type FreshDatabase } from '@vouchsafe/test-support/vitest';
import { api, createSecret, reveal, revealBody } from './harness';

/**
 * S1: the server never sees plaintext. Unique canaries go in through the CLI and through HTTP with the
 * crypto package, are revealed (and refused: wrong key, wrong passphrase), and then must not show up in
 * the API's logs, in any HTTP response, or anywhere in a pg_dump of the database. Neither may the
 * passphrases, the link keys (the part after #), the revoke tokens (outside the one response that hands
 * them out) or the API token. Each negative check has a positive twin, so a scan that looks in the wrong
 * place (or not at all) fails the test instead of passing it.
 */

const execFileAsync = promisify(execFile);
const CLI_MAIN = path.join(API_DIR, 'src', 'cli', 'main.ts');

interface Exchange {
  method: string;
  path: string;
  status: number;
  /** Response headers and body, as the client received them. */
  response: string;
}

/** A pass-through HTTP proxy in front of the API that records every response; CLI and test both go through it. */
async function recordingProxy(upstream: string) {
  const exchanges: Exchange[] = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (v === undefined || ['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(k)) continue;
        headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      }
      const body = Buffer.concat(chunks);
      const up = await fetch(`${upstream}${req.url}`, { method: req.method, headers, body: body.length > 0 ? body : undefined });
      const buf = Buffer.from(await up.arrayBuffer());
      const out: Record<string, string> = {};
      up.headers.forEach((v, k) => {
        if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(k)) out[k] = v;
      });
      exchanges.push({
        method: req.method!,
        path: req.url!,
        status: up.status,
        response: `${Object.entries(out)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n')}\n\n${buf.toString('utf8')}`,
      });
      res.writeHead(up.status, out).end(buf);
    })().catch((err: unknown) => {
      res.writeHead(502).end(String(err));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', 'tsx', CLI_MAIN, ...args], {
      cwd: API_DIR,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1' },
      timeout: 30_000,
      encoding: 'utf8',
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * The forms a value can take where we look: as is, hex (bytea in a dump is hex), and base64 / base64url at
 * every byte alignment (only the characters that depend on the value alone are kept).
 */
function forms(value: string | Uint8Array): string[] {
  const bytes = Buffer.from(value);
  const out = new Set<string>(typeof value === 'string' ? [value] : []);
  out.add(bytes.toString('hex'));
  out.add(bytes.toString('hex').toUpperCase());
  for (let shift = 0; shift < 3; shift++) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    for (const encoding of ['base64', 'base64url'] as const) {
      out.add(shifted.toString(encoding).slice(Math.ceil((8 * shift) / 6), Math.floor((8 * (shift + bytes.length)) / 6)));
    }
  }
  return [...out];
}

type Needles = Record<string, string[]>;

/** Names of the needles that occur in `haystack`, in any of their forms. */
function found(haystack: string, needles: Needles): string[] {
  return Object.entries(needles)
    .filter(([, variants]) => variants.some((v) => haystack.includes(v)))
    .map(([name]) => name);
}

let database: FreshDatabase;
let apiProcess: ApiProcess;
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
const apiToken = randomBytes(32).toString('base64url');

beforeAll(async () => {
  database = await freshDatabase();
  // trace: the most the API will ever log, so the most chances to leak.
  apiProcess = await startApi({
    databaseUrl: database.url,
    env: { VOUCHSAFE_LOG_LEVEL: 'trace', VOUCHSAFE_API_TOKENS: `canary-sender:secrets:${apiToken}` },
  });
  proxy = await recordingProxy(apiProcess.url);
});

afterAll(async () => {
  await proxy?.close();
  await apiProcess?.stop();
  await database?.drop();
});

describe('S1: no plaintext, passphrase, link key or revoke token reaches the server side', () => {
  it('keeps them out of logs, responses and the database', async () => {
    const pgDump = await ensurePgDump();
    const run = randomUUID();
    const cliCanary = `CANARY-CLI-${run}`;
    const cliPassphrase = `PASSPHRASE-CLI-${run}`;
    const customer = `cust${randomBytes(4).toString('hex')}`;
    const label = `Temp password for ${customer}@bank-example.com`;
    const httpCanary = `CANARY-HTTP-${run}`;
    const httpPassphrase = `PASSPHRASE-HTTP-${run}`;
    const fileCanary = `CANARY-FILE-${run}`;
    const fileName = `FILENAME-${run}.bin`;
    const revokedCanary = `CANARY-REVOKED-${run}`;

    // (a) Through the CLI: create with a passphrase and a label, a refused reveal, then the real one.
    const created = await cli([
      'secret',
      'create',
      '--text',
      cliCanary,
      '--passphrase',
      cliPassphrase,
      '--label',
      label,
      '--api',
      proxy.url,
      '--token',
      apiToken,
    ]);
    expect(created.code, created.stderr).toBe(0);
    const link = created.stdout.trim().split('\n').at(-1)!;
    const cliRevokeToken = /^revoke-token: (\S+)$/m.exec(created.stdout)?.[1];
    expect(cliRevokeToken).toBeDefined();
    const cliLink = parseSecretLink(link);
    const cliLinkKey = link.split('#')[1]!;
    expect(link.startsWith(`${proxy.url}/s/`)).toBe(true);

    const wrongPass = await cli(['secret', 'reveal', link, '--passphrase', `not-${cliPassphrase}`]);
    expect(wrongPass.code).toBe(1);
    expect(wrongPass.stderr).toMatch(/passphrase is not correct/i);
    expect(created.stderr).toContain('--passphrase puts the passphrase in your shell history');
    // The safe way: the passphrase from a file (never argv).
    const passFile = path.join(mkdtempSync(path.join(tmpdir(), 'vs-pass-')), 'passphrase');
    writeFileSync(passFile, `${cliPassphrase}\n`, { mode: 0o600 });
    const revealed = await cli(['secret', 'reveal', link, '--passphrase-file', passFile]);
    expect(revealed.code, revealed.stderr).toBe(0);
    expect(revealed.stderr).not.toContain('warning');
    expect(revealed.stdout.trim().split('\n').at(-1)).toBe(cliCanary);

    // (b) Over HTTP with the crypto package: text with a passphrase, and a file whose bytes hold a canary.
    const text = await createSecret(proxy.url, { kind: 'text', text: httpCanary }, { passphrase: httpPassphrase }, apiToken);
    const wrongKey = await api(proxy.url, 'POST', `/api/v1/secrets/${text.id}/reveal`, await revealBody(randomBytes(32)));
    expect(wrongKey.json.error.code).toBe('wrong_link_key');
    const wrongPassHttp = await reveal(proxy.url, text, `not-${httpPassphrase}`);
    expect(wrongPassHttp.json.error.code).toBe('wrong_passphrase');
    const textOk = await reveal(proxy.url, text, httpPassphrase);
    expect(textOk.payload).toEqual({ kind: 'text', text: httpCanary });

    const fileBytes = new Uint8Array(Buffer.concat([randomBytes(3000), Buffer.from(fileCanary), randomBytes(3001)]));
    const file = await createSecret(
      proxy.url,
      { kind: 'file', name: fileName, type: 'application/octet-stream', bytes: fileBytes },
      {},
      apiToken,
    );
    const fileMeta = await api(proxy.url, 'GET', `/api/v1/secrets/${file.id}`);
    expect(fileMeta.status).toBe(200);
    const fileOk = await reveal(proxy.url, file);
    expect(fileOk.payload).toEqual({ kind: 'file', name: fileName, type: 'application/octet-stream', bytes: fileBytes });
    expect((await reveal(proxy.url, file)).json.error.code).toBe('secret_gone');

    // A secret revoked with its token through the CLI, after a refused revoke with a wrong token.
    const doomed = await createSecret(proxy.url, { kind: 'text', text: revokedCanary }, {}, apiToken);
    const badRevoke = await api(proxy.url, 'DELETE', `/api/v1/secrets/${doomed.id}`, undefined, {
      'x-revoke-token': `x${doomed.revokeToken}`,
    });
    expect(badRevoke.status).toBe(404);
    const revoked = await cli(['secret', 'revoke', `${proxy.url}/s/${doomed.id}`, '--revoke-token', doomed.revokeToken]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await reveal(proxy.url, doomed)).json.error.code).toBe('secret_gone');

    const plaintexts: Needles = {
      'CLI canary': forms(cliCanary),
      'HTTP canary': forms(httpCanary),
      'file canary': forms(fileCanary),
      'file name': forms(fileName),
      'revoked canary': forms(revokedCanary),
      'CLI passphrase': forms(cliPassphrase),
      'HTTP passphrase': forms(httpPassphrase),
      'CLI link key': [...forms(cliLinkKey), ...forms(cliLink.linkKey)],
      'HTTP text link key': [...forms(encodeLinkKey(text.linkKey)), ...forms(text.linkKey)],
      'HTTP file link key': [...forms(encodeLinkKey(file.linkKey)), ...forms(file.linkKey)],
      'revoked link key': [...forms(encodeLinkKey(doomed.linkKey)), ...forms(doomed.linkKey)],
      'unmasked label': forms(customer),
      'API token': forms(apiToken),
    };
    const revokeTokens: Needles = {
      'CLI revoke token': forms(cliRevokeToken!),
      'HTTP text revoke token': forms(text.revokeToken),
      'HTTP file revoke token': forms(file.revokeToken),
      'revoked revoke token': forms(doomed.revokeToken),
    };
    const everything = { ...plaintexts, ...revokeTokens };

    // Where they are expected: the CLI's own output (so the finder works on these forms).
    expect(found(revealed.stdout, everything)).toEqual(['CLI canary']);
    expect(found(created.stdout, everything).sort()).toEqual(['CLI link key', 'CLI revoke token']);

    // HTTP responses: nothing, except that a create response hands out its own revoke token once.
    const creates = proxy.exchanges.filter((x) => x.method === 'POST' && x.path === '/api/v1/secrets');
    expect(creates.map((x) => x.status)).toEqual([201, 201, 201, 201]);
    expect(creates.map((x) => found(x.response, everything))).toEqual([
      ['CLI revoke token'],
      ['HTTP text revoke token'],
      ['HTTP file revoke token'],
      ['revoked revoke token'],
    ]);
    const others = proxy.exchanges.filter((x) => !creates.includes(x));
    // metadata x3 (CLI x2, file), reveals x8, revokes x2
    expect(others.length).toBeGreaterThanOrEqual(13);
    expect(others.filter((x) => x.path.endsWith('/reveal') && x.status === 200)).toHaveLength(3);
    for (const x of others) expect(found(x.response, everything), `${x.method} ${x.path} -> ${x.status}`).toEqual([]);

    // The API's logs (stdout and stderr, at trace level).
    const logs = apiProcess.logs();
    expect(logs.match(/"msg":"secret created"/g)).toHaveLength(4);
    expect(logs).toContain('"route":"/secrets/:id/reveal"');
    expect(found(logs, everything)).toEqual([]);

    // The database: data only, then everything (schema included).
    for (const args of [['--data-only'], []]) {
      const { stdout: dump } = await execFileAsync(pgDump, [...args, '--no-password', `--dbname=${database.url}`], {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        timeout: 30_000,
      });
      const what = `pg_dump ${args.join(' ')}`;
      // It is a real dump of this database: secret ids, the masked label, and bytea columns as hex
      // (the stored hash of a revoke token must be found, or a hex-encoded leak would be missed).
      expect(dump, what).toContain(cliLink.id);
      expect(dump, what).toContain(`${customer[0]}***@b***.com`);
      expect(dump, what).toContain(createHash('sha256').update(text.revokeToken).digest('hex'));
      expect(found(dump, everything), what).toEqual([]);
    }
  });
});
