import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { isPortOpen } from './ports';
import { startPostgres, type TestPostgres } from './postgres';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startPostgres', () => {
  let cluster: TestPostgres | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });

  test('serves isolated databases on loopback and leaves nothing behind on stop()', async () => {
    cluster = await startPostgres();
    const { port, dir } = cluster;
    expect(await isPortOpen(port)).toBe(true);

    const [settings] = await query<{ fsync: string; max: string; socket: string }>(
      cluster.adminUrl,
      "select current_setting('fsync') as fsync, current_setting('max_connections') as max, current_setting('unix_socket_directories') as socket",
    );
    expect(settings).toEqual({ fsync: 'off', max: '300', socket: '' });

    const a = await cluster.createDatabase();
    const b = await cluster.createDatabase();
    expect(a).not.toBe(b);
    expect(new URL(a).pathname).toMatch(/^\/t_[0-9a-f]{16}$/);

    await query(a, 'create table only_in_a (id int)');
    const [inA] = await query<{ t: string | null }>(a, "select to_regclass('only_in_a')::text as t");
    const [inB] = await query<{ t: string | null }>(b, "select to_regclass('only_in_a')::text as t");
    expect(inA?.t).toBe('only_in_a');
    expect(inB?.t).toBeNull();

    // dropDatabase works even while a session is still connected to it.
    const open = new pg.Client({ connectionString: b });
    open.on('error', () => undefined);
    await open.connect();
    await cluster.dropDatabase(new URL(b).pathname.slice(1));
    await expect(query(b, 'select 1')).rejects.toThrow(/does not exist/);
    await open.end().catch(() => undefined);

    await cluster.stop();
    expect(await isPortOpen(port)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    await cluster.stop(); // idempotent
  });

  test('reports the server log when Postgres cannot start', async () => {
    const holder = await startPostgres();
    try {
      await expect(startPostgres({ port: holder.port })).rejects.toThrow(/--- postgres log ---[\s\S]*could not/);
    } finally {
      await holder.stop();
    }
  });

  test('fault injection: stopServer/startServer keep the data and port; freeze/thaw hang and resume every connection', async () => {
    const faulty = await startPostgres();
    try {
      const url = await faulty.createDatabase();
      await query(url, 'create table kept (id int); insert into kept values (1)');
      const firstPid = faulty.postmasterPid();
      expect(firstPid).toBeGreaterThan(0);

      const open = new pg.Client({ connectionString: url });
      open.on('error', () => undefined);
      await open.connect();
      await faulty.stopServer();
      expect(faulty.postmasterPid()).toBeUndefined();
      await expect(open.query('select 1')).rejects.toThrow();
      await expect(query(url, 'select 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });

      await faulty.startServer();
      expect(faulty.postmasterPid()).not.toBe(firstPid);
      expect(await query<{ id: number }>(url, 'select id from kept')).toEqual([{ id: 1 }]);

      const held = new pg.Client({ connectionString: url });
      held.on('error', () => undefined);
      await held.connect();
      await faulty.freeze();
      const answer = held.query('select 42 as n');
      const hung = await Promise.race([answer.then(() => 'answered'), new Promise((r) => setTimeout(() => r('hung'), 500))]);
      expect(hung).toBe('hung');
      // The kernel still accepts the TCP connection; the frozen postmaster never answers the start-up packet.
      const late = new pg.Client({ connectionString: url, connectionTimeoutMillis: 500 });
      late.on('error', () => undefined);
      await expect(late.connect()).rejects.toThrow(/timeout/i);

      await faulty.thaw();
      expect((await answer).rows).toEqual([{ n: 42 }]);
      await held.end();
      expect(await query<{ n: number }>(url, 'select 1 as n')).toEqual([{ n: 1 }]);

      // A frozen cluster still stops cleanly.
      await faulty.freeze();
      await faulty.stop();
      expect(existsSync(faulty.dir)).toBe(false);
    } finally {
      await faulty.stop();
    }
  });
});
