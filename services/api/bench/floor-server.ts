/**
 * The floor of `pnpm bench`'s secret cycle: the least an HTTP service in Node can do for the same two requests.
 * A bare `node:http` server in its own process (so its CPU can be read from /proc like the API's) with a `pg` pool:
 *
 * - `POST /rows` with the create request's JSON body: parse it, decode `ciphertext`, `INSERT` it … `RETURNING id`,
 *   answer 201 `{"id": …}`;
 * - `POST /rows/:id/take`: `DELETE … RETURNING` the row, answer 200 `{"ciphertext": …}` (404 when it is gone).
 *
 * No validation, no encryption, no audit, no logging, no middleware: a floor, not a product.
 *
 * With FLOOR_FRAMEWORK=express the same two handlers are mounted on Express 5 (`express.json()`, ETag and
 * X-Powered-By off, as in the API) instead: a diagnostic second floor that shows what the framework alone costs.
 * Environment: DATABASE_URL, POOL_SIZE, FLOOR_FRAMEWORK. Prints `listening <port>` once it accepts connections.
 */
import http from 'node:http';
import express from 'express';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 16) });

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const TAKE = /^\/rows\/(\d+)\/take$/;

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (req.method === 'POST' && req.url === '/rows') {
    const { ciphertext } = JSON.parse(body) as { ciphertext: string };
    const { rows } = await pool.query<{ id: string }>('INSERT INTO floor_rows (body) VALUES ($1) RETURNING id', [
      Buffer.from(ciphertext, 'base64url'),
    ]);
    send(res, 201, { id: rows[0]!.id });
    return;
  }
  const take = req.method === 'POST' ? TAKE.exec(req.url ?? '') : null;
  if (take) {
    const { rows } = await pool.query<{ body: Buffer }>('DELETE FROM floor_rows WHERE id = $1 RETURNING body', [take[1]]);
    if (rows[0]) send(res, 200, { ciphertext: rows[0].body.toString('base64url') });
    else send(res, 404, { error: 'gone' });
    return;
  }
  send(res, 404, { error: 'not found' });
}

/** The same two handlers on Express: body parsed by express.json, answers by res.json. */
function expressApp(): express.Express {
  const app = express();
  app.set('etag', false);
  app.disable('x-powered-by');
  app.use(express.json());
  app.post('/rows', async (req, res) => {
    const { ciphertext } = req.body as { ciphertext: string };
    const { rows } = await pool.query<{ id: string }>('INSERT INTO floor_rows (body) VALUES ($1) RETURNING id', [
      Buffer.from(ciphertext, 'base64url'),
    ]);
    res.status(201).json({ id: rows[0]!.id });
  });
  app.post('/rows/:id/take', async (req, res) => {
    const { rows } = await pool.query<{ body: Buffer }>('DELETE FROM floor_rows WHERE id = $1 RETURNING body', [req.params.id]);
    if (rows[0]) res.json({ ciphertext: rows[0].body.toString('base64url') });
    else res.status(404).json({ error: 'gone' });
  });
  return app;
}

async function main(): Promise<void> {
  await pool.query('CREATE TABLE IF NOT EXISTS floor_rows (id bigserial PRIMARY KEY, body bytea NOT NULL)');
  const server =
    process.env.FLOOR_FRAMEWORK === 'express'
      ? http.createServer(expressApp())
      : http.createServer((req, res) => {
          handle(req, res).catch(() => {
            if (!res.headersSent) send(res, 500, { error: 'internal' });
            else res.destroy();
          });
        });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
  });
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void pool.end().then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
