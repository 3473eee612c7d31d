// The simulated phone (GET /phone): polls /phone/api/state and shows pending Okta Verify and Duo pushes with their
// answers, codes sent by SMS or voice, and sign-in links mailed to requesters. Re-renders only when something changed,
// so a button is never replaced under the pointer.
import { el } from '/common.js';

const lists = {
  okta: document.getElementById('okta'),
  duo: document.getElementById('duo'),
  codes: document.getElementById('codes'),
  links: document.getElementById('links'),
};
let last = '';

async function post(path, body) {
  await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  await refresh();
}

function empty(list, text) {
  if (list.children.length === 0) list.append(el('li', { class: 'empty' }, text));
}

function button(label, onClick, extra = {}) {
  const b = el('button', { type: 'button', ...extra }, label);
  b.addEventListener('click', onClick);
  return b;
}

function render(state) {
  for (const list of Object.values(lists)) list.replaceChildren();
  for (const push of state.okta) {
    const answers = push.numberChallenge
      ? push.choices.map((n) =>
          button(`Tap ${n}`, () => post(`/phone/api/okta/${encodeURIComponent(push.transactionId)}/approve`, { answer: n })),
        )
      : [button('Approve', () => post(`/phone/api/okta/${encodeURIComponent(push.transactionId)}/approve`))];
    const deny = button('Deny', () => post(`/phone/api/okta/${encodeURIComponent(push.transactionId)}/deny`), { class: 'deny' });
    lists.okta.append(
      el(
        'li',
        { 'aria-label': `Okta Verify push for ${push.user}` },
        el('strong', {}, `Did you just try to sign in? (${push.user})`),
        el('p', {}, push.numberChallenge ? 'Tap the number the agent reads to you.' : 'Approve only if you are on a call with support.'),
        el('div', { class: 'actions' }, ...answers, deny),
      ),
    );
  }
  for (const push of state.duo) {
    lists.duo.append(
      el(
        'li',
        { 'aria-label': `Duo push for ${push.user}` },
        el('strong', {}, `Login request for ${push.user}`),
        el(
          'p',
          {},
          push.code
            ? `Duo asks for the code the agent reads to you: ${push.code}`
            : push.context || 'Approve only if you are on a call with support.',
        ),
        el(
          'div',
          { class: 'actions' },
          button('Approve', () => post(`/phone/api/duo/${encodeURIComponent(push.txid)}/approve`)),
          button('Deny', () => post(`/phone/api/duo/${encodeURIComponent(push.txid)}/deny`), { class: 'deny' }),
        ),
      ),
    );
  }
  for (const m of state.codes) {
    lists.codes.append(
      el(
        'li',
        { 'aria-label': `Code for ${m.to}` },
        `${m.channel === 'call' ? 'Call' : 'SMS'} to ${m.to}: your code is `,
        el('strong', {}, m.code),
        ` (${m.status})`,
      ),
    );
  }
  for (const l of state.links) {
    lists.links.append(
      el(
        'li',
        { 'aria-label': `Link for ${l.to}` },
        `To ${l.to}, ${l.ticket}: `,
        el('a', { href: l.url, target: '_blank', rel: 'noopener' }, 'Open the sign-in link'),
      ),
    );
  }
  empty(lists.okta, 'No pushes waiting.');
  empty(lists.duo, 'No pushes waiting.');
  empty(lists.codes, 'No codes yet.');
  empty(lists.links, 'No links yet.');
}

async function refresh() {
  try {
    const res = await fetch('/phone/api/state', { cache: 'no-store' });
    const text = await res.text();
    if (text === last) return;
    last = text;
    render(JSON.parse(text));
  } catch {
    // the desk is restarting; try again on the next tick
  }
}

await refresh();
setInterval(refresh, 1000);
