import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseOutboundAllow } from './allowlist';
import { createOutbound, isOutboundRefusal, type Outbound, type Resolver } from './outbound';
import type { OutboundPolicy } from './url-rules';

/**
 * Connect-time enforcement against real sockets on 127.0.0.1. Plain http is allowed in these policies so a request
 * that got through would visibly reach the local server: every refusal is also checked by what the server saw.
 */

interface Recorder {
  url: string;
  port: number;
  seen: string[];
  close(): Promise<void>;
}

async function recorder(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end('{"ok":true}'),
): Promise<Recorder> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const PUBLIC = '93.184.215.14';
const answers = (...addresses: string[]): LookupAddress[] =>
  addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

/** A resolver that answers each call with the next list (the last one repeats), counting calls. */
function sequence(...lists: LookupAddress[][]): Resolver & { calls: number } {
  const resolver = Object.assign(
    async (_name: string) => {
      const list = lists[Math.min(resolver.calls, lists.length - 1)]!;
      resolver.calls += 1;
      return list;
    },
    { calls: 0 },
  );
  return resolver;
}

const policy = (allow = ''): OutboundPolicy => ({ isHttpAllowed: true, isAnyAddressAllowed: false, allow: parseOutboundAllow(allow) });

let desk: Recorder;
const outbounds: Outbound[] = [];
const make = (...args: Parameters<typeof createOutbound>): Outbound => {
  const o = createOutbound(...args);
  outbounds.push(o);
  return o;
};

beforeAll(async () => {
  desk = await recorder();
});
afterEach(async () => {
  desk.seen.length = 0;
  await Promise.all(outbounds.splice(0).map((o) => o.close()));
});
afterAll(async () => {
  await desk.close();
});

async function refusal(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (err) {
    return err;
  }
  throw new Error('expected the connection to be refused');
}

describe('DNS rebinding', () => {
  it('a name that was public at registration and is 127.0.0.1 at connect time is refused, and nothing is sent', async () => {
    const resolve = sequence(answers(PUBLIC), answers('127.0.0.1'));
    const outbound = make(policy(), { resolve });
    const url = `http://desk.rebind.example:${desk.port}/api/v2/tickets/1.json`;
    expect(await outbound.registrationProblem(url)).toBeUndefined();
    const err = await refusal(outbound.fetch(url, { method: 'PUT', body: '{"note":"canary"}' }));
    expect(isOutboundRefusal(err)).toBe(true);
    expect(resolve.calls).toBe(2);
    expect(desk.seen).toEqual([]);
  });

  it('the same request reaches the server when the operator allows exactly that address and port', async () => {
    const outbound = make(policy(`127.0.0.1:${desk.port}`), { resolve: sequence(answers('127.0.0.1')) });
    const res = await outbound.fetch(`http://desk.rebind.example:${desk.port}/ok`);
    expect(res.status).toBe(200);
    expect(desk.seen).toEqual(['GET /ok']);
    // Another port of the same address is still refused.
    expect(isOutboundRefusal(await refusal(outbound.fetch(`http://desk.rebind.example:${desk.port + 1}/`)))).toBe(true);
  });

  it('one bad address among the answers refuses them all (no happy-eyeballs escape)', async () => {
    const outbound = make(policy(), { resolve: sequence(answers(PUBLIC, '127.0.0.1')) });
    expect(isOutboundRefusal(await refusal(outbound.fetch(`http://mixed.example:${desk.port}/`)))).toBe(true);
    expect(desk.seen).toEqual([]);
  });

  it.each(['::ffff:127.0.0.1', '::ffff:7f00:1', '::1', '169.254.169.254', '64:ff9b::a9fe:a9fe', '0.0.0.0'])(
    'answers of %s are refused',
    async (address) => {
      const outbound = make(policy(), { resolve: sequence(answers(address)) });
      expect(isOutboundRefusal(await refusal(outbound.fetch(`http://evil.example:${desk.port}/`)))).toBe(true);
      expect(desk.seen).toEqual([]);
    },
  );

  it('registration already refuses a name that resolves to a private address now, and accepts one that does not resolve', async () => {
    const outbound = make(policy(), { resolve: sequence(answers('10.1.2.3')) });
    expect(await outbound.registrationProblem('https://sso.bank.example')).toMatch(/private \(10\.0\.0\.0\/8\)/);
    const offline = make(policy(), {
      resolve: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      },
    });
    expect(await offline.registrationProblem('https://sso.bank.example')).toBeUndefined();
  });
});

describe('literal addresses and the URL rules at connect time', () => {
  it('refuses loopback literals and unusual spellings before any socket opens', async () => {
    const outbound = make(policy(), { resolve: sequence(answers(PUBLIC)) });
    for (const url of [
      desk.url,
      `http://0x7f000001:${desk.port}/`,
      `http://2130706433:${desk.port}/`,
      `http://[::ffff:7f00:1]:${desk.port}/`,
      `http://localhost:${desk.port}/`,
    ]) {
      expect(isOutboundRefusal(await refusal(outbound.fetch(url))), url).toBe(true);
    }
    expect(desk.seen).toEqual([]);
  });

  it('refuses http when the policy wants https', async () => {
    const outbound = make({ ...policy(`127.0.0.1:${desk.port}`), isHttpAllowed: false });
    expect(isOutboundRefusal(await refusal(outbound.fetch(`${desk.url}/`)))).toBe(true);
    expect(desk.seen).toEqual([]);
  });
});

describe('redirects', () => {
  it('are never followed, to another origin or at all', async () => {
    const target = await recorder();
    const jumper = await recorder((req, res) => {
      res.writeHead(302, { location: req.url === '/same' ? '/landing' : `${target.url}/stolen` }).end();
    });
    try {
      const outbound = make(policy(`127.0.0.1:${jumper.port} 127.0.0.1:${target.port}`));
      for (const path of ['/away', '/same']) {
        const err = await refusal(
          outbound.fetch(`${jumper.url}${path}`, { method: 'POST', headers: { authorization: 'Bearer canary' }, body: 'secret=1' }),
        );
        expect(err).toBeInstanceOf(TypeError);
      }
      expect(jumper.seen).toEqual(['POST /away', 'POST /same']);
      expect(target.seen).toEqual([]);
    } finally {
      await Promise.all([target.close(), jumper.close()]);
    }
  });
});

describe('nodeAgent (SDKs on node http)', () => {
  const get = (agent: http.Agent, url: string): Promise<number> =>
    new Promise((resolve, reject) => {
      http
        .get(url, { agent }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });

  it('refuses rebinding names and loopback literals, and connects to allowed ones', async () => {
    const outbound = make(policy(), { resolve: sequence(answers('127.0.0.1')) });
    expect(isOutboundRefusal(await refusal(get(outbound.nodeAgent('http:'), `http://okta.rebind.example:${desk.port}/api/v1/users`)))).toBe(
      true,
    );
    expect(isOutboundRefusal(await refusal(get(outbound.nodeAgent('http:'), `${desk.url}/api/v1/users`)))).toBe(true);
    expect(desk.seen).toEqual([]);
    const allowed = make(policy(`127.0.0.1:${desk.port}`), { resolve: sequence(answers('127.0.0.1')) });
    expect(await get(allowed.nodeAgent('http:'), `http://okta.example:${desk.port}/api/v1/users`)).toBe(200);
    expect(desk.seen).toEqual(['GET /api/v1/users']);
  });
});
