import express, { type Router } from 'express';
import type { OktaOutcome, OktaPendingPush, OktaScript, OktaState } from './okta.state';

const OUTCOMES: readonly OktaOutcome[] = ['approve', 'deny', 'timeout', 'unknown', 'manual'];

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function renderPush(push: OktaPendingPush): string {
  const id = encodeURIComponent(push.transactionId);
  const approve = push.numberChallenge
    ? push.choices.map((n) => `<button type="submit" name="answer" value="${n}" aria-label="Tap ${n}">${n}</button>`).join(' ')
    : '<button type="submit">Approve</button>';
  return `<li data-transaction="${escapeHtml(push.transactionId)}">
  <p><strong>Did you just try to sign in?</strong> ${escapeHtml(push.user)} · ${escapeHtml(push.device)}</p>
  <p class="ua">${escapeHtml(push.userAgent)}</p>
  ${push.numberChallenge ? '<p>Tap the number shown on your screen.</p>' : ''}
  <form method="post" action="${id}/approve">${approve}</form>
  <form method="post" action="${id}/deny"><button type="submit">No, it's not me</button></form>
</li>`;
}

function renderPage(pending: OktaPendingPush[]): string {
  const items = pending.length ? `<ul>${pending.map(renderPush).join('\n')}</ul>` : '<p id="none">No pending pushes.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<title>Okta Verify (simulated phone)</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:1rem auto}li{list-style:none;border:1px solid #ccc;border-radius:8px;padding:.75rem;margin:.5rem 0}button{font-size:1.1rem;margin:.2rem}.ua{color:#666;font-size:.8rem}</style>
</head><body><h1>Okta Verify</h1><p>Simulated phone for the local Okta stand-in.</p>${items}</body></html>`;
}

/**
 * The simulated phone, under `/__phone/okta`:
 * - `GET /pending`: pending pushes (HTML page with number buttons for browsers, JSON `{pending:[…]}` otherwise);
 * - `POST /:transactionId/approve` (optional `answer`: the number tapped; a wrong one rejects) and `…/deny`:
 *   JSON `{factorResult}`, or a 303 back to the page for form posts; 409 when already decided;
 * - `PUT /users/:login/outcome` `{outcome, afterPolls?, unknownState?}`: script the user's next pushes (out-of-process tests).
 */
export function createOktaPhoneRouter(state: OktaState): Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false }), express.json());

  router.get('/pending', (req, res) => {
    const pending = state.pending();
    res.set('Cache-Control', 'no-store');
    if (req.accepts(['json', 'html']) === 'html') res.type('html').send(renderPage(pending));
    else res.json({ pending });
  });

  router.post('/:transactionId/:action', (req, res) => {
    const { transactionId, action } = req.params;
    if (action !== 'approve' && action !== 'deny') return void res.status(404).json({ error: 'unknown action' });
    const tx = state.transaction(transactionId);
    if (!tx) return void res.status(404).json({ error: 'unknown transaction' });
    if (tx.result !== 'WAITING') return void res.status(409).json({ error: `already ${tx.result}` });
    const raw: unknown = (req.body as Record<string, unknown> | undefined)?.answer;
    const answer = raw === undefined || raw === '' ? undefined : Number(raw);
    const factorResult = state.answer(transactionId, action, Number.isFinite(answer) ? answer : undefined);
    if (req.is('application/x-www-form-urlencoded')) return void res.redirect(303, '../pending');
    res.json({ factorResult });
  });

  router.put('/users/:login/outcome', (req, res) => {
    const body = (req.body ?? {}) as Partial<OktaScript>;
    if (!body.outcome || !OUTCOMES.includes(body.outcome))
      return void res.status(400).json({ error: `outcome must be one of ${OUTCOMES.join(', ')}` });
    if (!state.findUser(req.params.login)) return void res.status(404).json({ error: 'unknown user' });
    const script: OktaScript = { outcome: body.outcome };
    if (typeof body.afterPolls === 'number') script.afterPolls = body.afterPolls;
    if (body.unknownState !== undefined) script.unknownState = body.unknownState;
    state.setOutcome(req.params.login, script);
    res.status(204).end();
  });

  return router;
}
