// Shared by the agent pages: small DOM helpers and the comment list that polls the stand-in's state.

/** document.createElement with text and attributes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  for (const child of children) node.append(child);
  return node;
}

export async function getJson(url, init) {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${res.status}`);
  return res.json();
}

export function postJson(url, body) {
  return getJson(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Fills a <dl> with term/description pairs. */
export function renderFacts(dl, facts) {
  dl.replaceChildren();
  for (const [term, value] of facts) dl.append(el('dt', {}, term), el('dd', {}, value ?? ''));
}

/**
 * Shows the ticket's comments and internal notes in `list` (an <ol>), polling `url` every second.
 * `url` answers { comments: [{ id, body, public, createdAt, author }] } in order of creation.
 */
export function pollComments(url, list, emptyText) {
  let shown = '';
  const render = (comments) => {
    const key = JSON.stringify(comments);
    if (key === shown) return;
    shown = key;
    list.replaceChildren();
    if (comments.length === 0) {
      list.append(el('li', { class: 'empty' }, emptyText));
      return;
    }
    for (const c of comments) {
      const kind = c.public ? 'public' : 'internal';
      const article = el(
        'article',
        { class: kind, 'data-comment-id': c.id, 'data-kind': kind, 'aria-label': c.public ? 'Public reply' : 'Internal note' },
        el('span', { class: `badge ${kind}` }, c.public ? 'Public reply' : 'Internal note'),
        el(
          'div',
          { class: 'meta' },
          [c.author, c.createdAt && `${c.createdAt.slice(0, 16).replace('T', ' ')} UTC`].filter(Boolean).join(' · '),
        ),
        el('div', { class: 'body' }, c.body),
      );
      list.append(el('li', {}, article));
    }
  };
  const tick = async () => {
    try {
      render((await getJson(url)).comments);
    } catch (error) {
      console.warn('could not load comments', error);
    }
  };
  void tick();
  return setInterval(tick, 1000);
}

/** The page's last path segment, e.g. the ticket id in /zendesk/agent/tickets/42. */
export const lastSegment = () => decodeURIComponent(location.pathname.replace(/\/+$/, '').split('/').pop() ?? '');

/** `?token=forged|expired` on an agent page asks the stand-in for a bad host token (tests of the rejection path). */
export const tokenVariant = () => new URLSearchParams(location.search).get('token') ?? 'valid';

/** `?agent=1` plays the desk's second agent (a supervisor in the override tests); default the first. */
export const agentIndex = () => Number(new URLSearchParams(location.search).get('agent') ?? 0) || 0;

/** Appends text to a textarea, on a new line if it already holds something, and tells listeners it changed. */
export function appendTo(textarea, text) {
  textarea.value = textarea.value && !textarea.value.endsWith('\n') ? `${textarea.value}\n${text}` : textarea.value + text;
  textarea.dispatchEvent(new Event('input', { bubbles: true }));
}
