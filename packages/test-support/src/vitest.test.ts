import pg from 'pg';
import { afterAll, expect, test } from 'vitest';
import { freshDatabase, type FreshDatabase } from './vitest';

const dbs: FreshDatabase[] = [];
afterAll(async () => {
  await Promise.all(dbs.map((db) => db.drop()));
});

test('freshDatabase() gives each caller its own empty database on the run cluster', async () => {
  const first = await freshDatabase();
  const second = await freshDatabase();
  dbs.push(first, second);
  expect(first.name).not.toBe(second.name);

  const client = new pg.Client({ connectionString: first.url });
  await client.connect();
  await client.query('create table t (id int)');
  await client.end();

  const other = new pg.Client({ connectionString: second.url });
  await other.connect();
  const { rows } = await other.query<{ n: number }>("select count(*)::int as n from pg_tables where schemaname = 'public'");
  await other.end();
  expect(rows[0]?.n).toBe(0);
});
