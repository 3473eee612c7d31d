import express, { type Request, type Response, type Router } from 'express';
import type { DuoState, DuoTransaction } from './duo.state';

/**
 * The simulated Duo Mobile: `GET /__phone/duo/pending` lists waiting pushes (HTML, or JSON with
 * `Accept: application/json`); `POST /__phone/duo/:txid/approve` ({code} for a Verified Push) and
 * `POST /__phone/duo/:txid/deny` ({fraud: '1'} to report fraud). Form posts come back to the list; JSON posts get
 * `{ok: true}` or `{error}`. Form posts that succeed redirect (303) back to the list.
 */

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function field(req: Request, name: string): string | undefined {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return undefined;
}

function wantsJson(req: Request): boolean {
  return (
    req.is('application/json') === 'application/json' ||
    (req.accepts(['html', 'json']) === 'json' && !req.is('application/x-www-form-urlencoded'))
  );
}

function view(tx: DuoTransaction): Record<string, unknown> {
  return {
    txid: tx.txid,
    username: tx.username,
    pushinfo: tx.pushinfo,
    type: tx.type,
    needsCode: tx.verifiedPushCode !== null,
    createdAt: tx.createdAt.toISOString(),
  };
}

function page(prefix: string, pending: DuoTransaction[], message: string | undefined): string {
  const items = pending
    .map((tx) => {
      const info = Object.entries(tx.pushinfo)
        .map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(v)}`)
        .join('<br>');
      const code = tx.verifiedPushCode
        ? `<label>Code shown by the agent <input name="code" inputmode="numeric" autocomplete="off" required></label> `
        : '';
      return (
        `<li data-txid="${tx.txid}"><p><strong>${escapeHtml(tx.type ?? 'Login request')}</strong> for ${escapeHtml(tx.username)}</p><p>${info}</p>` +
        `<form method="post" action="${prefix}/${tx.txid}/approve">${code}<button>Approve</button></form>` +
        `<form method="post" action="${prefix}/${tx.txid}/deny"><button>Deny</button></form>` +
        `<form method="post" action="${prefix}/${tx.txid}/deny"><input type="hidden" name="fraud" value="1"><button>Deny and report fraud</button></form></li>`
      );
    })
    .join('');
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Duo Mobile (stand-in)</title>` +
    `${pending.length === 0 ? '<meta http-equiv="refresh" content="1">' : ''}</head><body><main><h1>Duo Mobile (stand-in)</h1>` +
    `${message ? `<p role="status">${escapeHtml(message)}</p>` : ''}` +
    `${items ? `<ul>${items}</ul>` : '<p>No pending requests.</p>'}</main></body></html>`
  );
}

export function createDuoPhoneRouter(state: DuoState): Router {
  const router = express.Router();
  router.use('/__phone/duo', express.urlencoded({ extended: false, limit: '16kb' }), express.json({ limit: '16kb' }));

  const answer = (req: Request, res: Response, status: number, error?: string): void => {
    state.record({ api: 'phone', method: req.method, path: req.path, params: {}, status, ...(error ? { error } : {}) });
    if (wantsJson(req)) {
      res.status(status).json(error ? { error } : { ok: true });
      return;
    }
    if (!error) {
      res.redirect(303, `${req.baseUrl}/__phone/duo/pending`);
      return;
    }
    res
      .status(status)
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(page(`${req.baseUrl}/__phone/duo`, state.pending(), error));
  };

  router.get('/__phone/duo/pending', (req, res) => {
    if (req.accepts(['html', 'json']) === 'json') {
      res.set('Cache-Control', 'no-store').json({ pending: state.pending().map(view) });
      return;
    }
    res
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(page(`${req.baseUrl}/__phone/duo`, state.pending(), undefined));
  });

  router.post('/__phone/duo/:txid/approve', (req, res) => {
    const tx = state.transactions.get(req.params.txid ?? '');
    if (!tx || tx.status.result !== 'waiting') return answer(req, res, 404, 'This request is no longer pending.');
    if (tx.verifiedPushCode !== null && field(req, 'code')?.trim() !== tx.verifiedPushCode) {
      return answer(req, res, 400, 'That code does not match. Ask the agent to read it again.');
    }
    state.decide(tx.txid, 'approve');
    answer(req, res, 200);
  });

  router.post('/__phone/duo/:txid/deny', (req, res) => {
    const tx = state.transactions.get(req.params.txid ?? '');
    if (!tx || tx.status.result !== 'waiting') return answer(req, res, 404, 'This request is no longer pending.');
    const fraud = field(req, 'fraud');
    state.decide(tx.txid, fraud === '1' || fraud === 'true' ? 'fraud' : 'deny');
    answer(req, res, 200);
  });

  return router;
}
