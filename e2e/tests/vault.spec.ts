import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page, Request, Response } from '@playwright/test';
import { expect, test } from './support/browser-checks';
import { encodeLinkKey, generateLinkKey } from '@vouchsafe/crypto';
import { runCli } from './support/cli';
import { HEADINGS, MESSAGES, viewsRemainMessage } from './support/portal-text';
import { apiLogContaining, createSecret, metadataOf, partsOf, sha256OfFile, viewsLeftOf, withoutKey } from './support/vault';

// The customer side of the vault, end to end: the real CLI seals and uploads, the built portal in real
// Chromium opens, and the real API (with Postgres) answers. Nothing is mocked.

const main = (page: Page): Locator => page.locator('main');
const heading = (page: Page): Locator => page.getByRole('heading', { level: 1 });
const revealButton = (page: Page): Locator => page.getByRole('button', { name: 'Reveal', exact: true });
const summaryValue = (page: Page, term: string): Locator =>
  page.getByRole('group', { name: 'About this secret' }).locator(`dt:text-is("${term}") + dd`);

async function expectState(page: Page, state: string): Promise<void> {
  await expect(main(page)).toHaveAttribute('data-state', state);
}

/** Opens a link and waits until the page shows what is waiting (metadata loaded, nothing revealed). */
async function openReady(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await expectState(page, 'ready');
  await expect(revealButton(page)).toBeEnabled();
}

/** Every request the page makes to the API's reveal endpoint. */
function revealPosts(page: Page): Request[] {
  const posts: Request[] = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname.endsWith('/reveal')) posts.push(req);
  });
  return posts;
}

test.describe('a text secret', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

  test('shows what is waiting, reveals only on Reveal, copies, then is gone', async ({ page, context }, testInfo) => {
    // Several lines, leading/trailing spaces, a tab and non-ASCII: the textarea must show it exactly.
    const text = `  Temporary password: Zr8#qL!2 «ünïcødé» 🔐\n\tsecond line   \nthird line `;
    // 90 minutes shows as "in 1 hour" whatever the rounding and however slow the run.
    const link = await createSecret({ text }, ['--ttl', '90m']);
    const meta = await metadataOf(page.request, link);
    expect(meta.status).toBe(200);
    expect(meta.body).toMatchObject({ kind: 'text', viewsLeft: 1, needsPassphrase: false });

    await openReady(page, link);
    await expect(heading(page)).toHaveText(HEADINGS.readyText);
    await expect(summaryValue(page, 'What')).toHaveText('A text secret');
    await expect(summaryValue(page, 'Views left')).toHaveText('1 view left');
    await expect(summaryValue(page, 'Expires')).toContainText('(in 1 hour)');
    const shownExpiry = await summaryValue(page, 'Expires').locator('time').getAttribute('datetime');
    expect(new Date(shownExpiry!).getTime()).toBe(new Date(meta.body.expiresAt).getTime());
    await expect(page.getByText(MESSAGES.deletedOnReveal)).toBeVisible();
    await expect(page.getByLabel('Passphrase')).toHaveCount(0);
    await expect(page.getByLabel('Secret', { exact: true })).toHaveCount(0);

    // Loading the page (metadata only) consumed nothing, and neither does a reload.
    expect(await viewsLeftOf(page.request, link)).toBe(1);
    await page.reload();
    await expectState(page, 'ready');
    expect(await viewsLeftOf(page.request, link)).toBe(1);

    const posts = revealPosts(page);
    await revealButton(page).click();
    await expectState(page, 'revealed');
    expect(posts).toHaveLength(1);
    await expect(heading(page)).toHaveText(HEADINGS.revealedText);
    const secretBox = page.getByLabel('Secret', { exact: true });
    await expect(secretBox).toHaveValue(text);
    expect(await secretBox.inputValue()).toBe(text);
    await expect(page.getByText(MESSAGES.deleted)).toBeVisible();
    expect(await viewsLeftOf(page.request, link)).toBe('gone');

    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect(page.getByText(MESSAGES.copied, { exact: true })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);

    const shot = testInfo.outputPath('revealed-text.png');
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('revealed text', { path: shot, contentType: 'image/png' });

    // The same link again, in a new page: gone, with no Reveal button.
    const again = await context.newPage();
    await again.goto(link);
    await expectState(again, 'gone');
    await expect(heading(again)).toHaveText(HEADINGS.gone);
    await expect(again.getByText(MESSAGES.gone)).toBeVisible();
    await expect(revealButton(again)).toHaveCount(0);
    expect((await metadataOf(again.request, link)).status).toBe(404);
  });
});

test('a 5 MiB binary file downloads byte for byte under its own name', async ({ page }, testInfo) => {
  const original = testInfo.outputPath('Kontoauszug 2024-Q3.bin');
  await writeFile(original, randomBytes(5 * 1024 * 1024));
  const link = await createSecret({ file: original });

  await openReady(page, link);
  await expect(heading(page)).toHaveText(HEADINGS.readyFile);
  await expect(summaryValue(page, 'What')).toHaveText('A file');
  await revealButton(page).click();
  await expectState(page, 'revealed');
  await expect(heading(page)).toHaveText(HEADINGS.revealedFile);
  const details = page.getByRole('group', { name: 'File details' });
  await expect(details).toContainText(path.basename(original));
  await expect(details).toContainText('5.0 MiB');
  await expect(details).toContainText('application/octet-stream');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download', exact: true }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(path.basename(original));
  const saved = testInfo.outputPath('downloaded.bin');
  await download.saveAs(saved);
  expect(await sha256OfFile(saved)).toBe(await sha256OfFile(original));
  expect(await viewsLeftOf(page.request, link)).toBe('gone');
});

test('a passphrase is asked for; a wrong one consumes nothing, the right one reveals', async ({ page }) => {
  const text = 'IBAN reset code 4471-0098';
  const passphrase = 'correct horse battery staple';
  const link = await createSecret({ text }, ['--passphrase', passphrase]);
  expect((await metadataOf(page.request, link)).body).toMatchObject({ needsPassphrase: true, viewsLeft: 1 });

  await openReady(page, link);
  const field = page.getByLabel('Passphrase');
  await expect(field).toBeVisible();
  await expect(field).toHaveAttribute('type', 'password');
  const posts = revealPosts(page);

  // Empty: the page asks for it and sends nothing.
  await revealButton(page).click();
  await expect(page.getByText(MESSAGES.passphraseMissing)).toBeVisible();
  expect(posts).toHaveLength(0);

  await field.fill('correct horse battery stapler');
  await revealButton(page).click();
  await expectState(page, 'wrong-passphrase');
  await expect(page.getByText(MESSAGES.passphraseWrong)).toBeVisible();
  await expect(field).toBeFocused();
  expect(posts).toHaveLength(1);
  expect(await viewsLeftOf(page.request, link)).toBe(1);

  await field.fill(passphrase);
  await revealButton(page).click();
  await expectState(page, 'revealed');
  await expect(page.getByLabel('Secret', { exact: true })).toHaveValue(text);
  expect(posts).toHaveLength(2);
  // The passphrase itself never leaves the browser: only a derived check does.
  for (const post of posts) expect(post.postData() ?? '').not.toContain(passphrase.split(' ')[0]);
  expect(await viewsLeftOf(page.request, link)).toBe('gone');
});

test.describe('a damaged link', () => {
  test('a different key shows wrong-key and consumes nothing', async ({ page, context }) => {
    const text = 'wrong-key target';
    const link = await createSecret({ text });
    const wrongKey = encodeLinkKey(generateLinkKey());
    expect(wrongKey).toHaveLength(partsOf(link).key.length);

    await openReady(page, `${withoutKey(link)}#${wrongKey}`);
    await revealButton(page).click();
    await expectState(page, 'wrong-key');
    await expect(heading(page)).toHaveText(HEADINGS.wrongKey);
    await expect(page.getByText(MESSAGES.wrongKey)).toBeVisible();
    await expect(page.getByLabel('Secret', { exact: true })).toHaveCount(0);
    expect(await viewsLeftOf(page.request, link)).toBe(1);

    // The right link still works afterwards.
    const right = await context.newPage();
    await openReady(right, link);
    await revealButton(right).click();
    await expectState(right, 'revealed');
    await expect(right.getByLabel('Secret', { exact: true })).toHaveValue(text);
  });

  test('a link without its key, or with a cut-off key, is incomplete and calls no API', async ({ page }) => {
    const link = await createSecret({ text: 'incomplete target' });
    const apiCalls: string[] = [];
    page.on('request', (req) => {
      const { pathname } = new URL(req.url());
      // The bank's branding (issue 14) is the tenant's, read for every page; it says nothing about any link.
      if (/^\/api\/v1(\/t\/[^/]+)?\/branding(\/logo\.png)?$/.test(pathname) && req.method() === 'GET') return;
      if (pathname.startsWith('/api/') || req.method() !== 'GET') {
        apiCalls.push(`${req.method()} ${req.url()}`);
      }
    });

    for (const damaged of [withoutKey(link), `${withoutKey(link)}#`, `${withoutKey(link)}#${partsOf(link).key.slice(0, 12)}`]) {
      await page.goto('about:blank');
      await page.goto(damaged);
      await expectState(page, 'incomplete');
      await expect(heading(page)).toHaveText(HEADINGS.incomplete);
      await expect(page.getByText(MESSAGES.incomplete)).toBeVisible();
      await expect(revealButton(page)).toHaveCount(0);
    }
    expect(apiCalls).toEqual([]);
    expect(await viewsLeftOf(page.request, link)).toBe(1);
  });
});

test('a two-view secret can be revealed twice, in two pages', async ({ page, context }) => {
  const text = 'shared with two agents';
  const link = await createSecret({ text }, ['--views', '2']);

  await openReady(page, link);
  await expect(summaryValue(page, 'Views left')).toHaveText('2 views left');
  await expect(page.getByText(MESSAGES.usesOneView)).toBeVisible();
  await revealButton(page).click();
  await expectState(page, 'revealed');
  await expect(page.getByLabel('Secret', { exact: true })).toHaveValue(text);
  await expect(page.getByText(viewsRemainMessage(1))).toBeVisible();
  expect(await viewsLeftOf(page.request, link)).toBe(1);

  const second = await context.newPage();
  await openReady(second, link);
  await expect(summaryValue(second, 'Views left')).toHaveText('1 view left');
  await revealButton(second).click();
  await expectState(second, 'revealed');
  await expect(second.getByLabel('Secret', { exact: true })).toHaveValue(text);
  await expect(second.getByText(MESSAGES.deleted)).toBeVisible();
  expect(await viewsLeftOf(second.request, link)).toBe('gone');
});

const LINK_PREVIEWERS: Record<string, Record<string, string>> = {
  Slackbot: { 'User-Agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' },
  'Microsoft Teams': {
    'User-Agent': 'Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com',
  },
  // Safe Links / Defender detonation looks like an ordinary Edge; BingPreview is its older preview fetcher.
  'Outlook Safe Links (Edge)': {
    'User-Agent':
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
    Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  },
  BingPreview: {
    'User-Agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) BingPreview/1.0b',
  },
  Googlebot: { 'User-Agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
  'a prefetch': { 'Sec-Purpose': 'prefetch', Purpose: 'prefetch' },
};

test.describe('bots and prefetchers', () => {
  test('link previewers, scanners and prefetches over HTTP consume nothing', async ({ request }) => {
    const text = 'seen by no bot';
    const link = await createSecret({ text });
    const page = withoutKey(link); // what every fetcher sends: the fragment never goes over the wire

    for (const [who, headers] of Object.entries(LINK_PREVIEWERS)) {
      for (const method of ['GET', 'HEAD'] as const) {
        const res = await request.fetch(page, { method, headers, maxRedirects: 0 });
        expect.soft(res.status(), `${who} ${method}`).toBe(200);
        const h = res.headers();
        expect.soft(h['content-type'], `${who} ${method}`).toMatch(/^text\/html/);
        expect.soft(h['referrer-policy'], `${who} ${method}`).toBe('no-referrer');
        expect.soft(h['cache-control'], `${who} ${method}`).toBe('no-store');
        const csp = h['content-security-policy'] ?? '';
        expect.soft(csp, `${who} ${method}`).toContain("script-src 'self'");
        expect.soft(csp, `${who} ${method}`).toContain("frame-ancestors 'none'");
        if (method === 'GET') {
          const html = await res.text();
          expect.soft(html, who).toContain('noindex');
          expect.soft(html, who).not.toContain(text);
        }
      }
      expect(await viewsLeftOf(request, link), `after ${who}`).toBe(1);
    }

    // Still intact: the real CLI reveals it (and that uses it up).
    const { stdout } = await runCli(['secret', 'reveal', link]);
    expect(stdout.trim().split('\n').pop()).toBe(text);
    expect(await viewsLeftOf(request, link)).toBe('gone');
  });

  test('Chromium prefetching the link, or loading it as a bot, consumes nothing', async ({ browser, page }) => {
    const text = 'survives prefetch and page loads';
    const link = await createSecret({ text });
    const { id } = partsOf(link);

    // A real <link rel="prefetch"> from a page on the same origin.
    await page.goto('/');
    const prefetched = page.waitForRequest((req) => req.url().includes(`/s/${id}`), { timeout: 5_000 });
    await page.evaluate((href) => {
      const el = document.createElement('link');
      el.rel = 'prefetch';
      el.href = href;
      document.head.append(el);
    }, link);
    const prefetch = await prefetched;
    expect(await prefetch.headerValue('sec-purpose')).toBe('prefetch');
    expect((await prefetch.response())?.status()).toBe(200);
    expect(await viewsLeftOf(page.request, link)).toBe(1);

    // Scanners that render pages (Safe Links detonation, Googlebot) run the portal's JavaScript: the page may
    // fetch metadata but must stop at the Reveal button.
    for (const userAgent of [LINK_PREVIEWERS['Outlook Safe Links (Edge)']!['User-Agent']!, LINK_PREVIEWERS.Googlebot!['User-Agent']!]) {
      const bot = await browser.newContext({ userAgent });
      const botPage = await bot.newPage();
      const posts = revealPosts(botPage);
      await openReady(botPage, link);
      await botPage.waitForLoadState('networkidle');
      expect(posts).toHaveLength(0);
      await bot.close();
      expect(await viewsLeftOf(page.request, link)).toBe(1);
    }

    // And the customer can still reveal it.
    await openReady(page, link);
    await revealButton(page).click();
    await expectState(page, 'revealed');
    await expect(page.getByLabel('Secret', { exact: true })).toHaveValue(text);
  });
});

test('the plaintext and the link key appear in no response, no request and no API log line', async ({ page }) => {
  const canary = `CANARY-${randomUUID()}`;
  const link = await createSecret({ text: `account password ${canary}` });
  const { id, key } = partsOf(link);

  const requests: Request[] = [];
  const bodies: Promise<{ response: Response; body: string }>[] = [];
  page.on('request', (req) => requests.push(req));
  page.on('response', (response) => {
    bodies.push(
      response
        .body()
        .then((b) => b.toString('utf8'))
        .catch(() => '')
        .then((body) => ({ response, body })),
    );
  });

  await openReady(page, link);
  const [revealResponse] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/api/v1/secrets/${id}/reveal`)),
    revealButton(page).click(),
  ]);
  await expectState(page, 'revealed');
  await expect(page.getByLabel('Secret', { exact: true })).toHaveValue(`account password ${canary}`);

  const seen = await Promise.all(bodies);
  // The collector really saw the traffic, including the reveal answer (ciphertext only).
  const reveal = seen.find((s) => s.response === revealResponse);
  expect(reveal, 'the reveal response was collected').toBeDefined();
  expect(JSON.parse(reveal!.body)).toMatchObject({ id, kind: 'text', viewsLeft: 0, ciphertext: expect.any(String) });
  expect(seen.some((s) => s.response.url().includes('/assets/'))).toBe(true);
  for (const { response, body } of seen) {
    expect.soft(body, `response body of ${response.request().method()} ${response.url()}`).not.toContain(canary);
  }

  // The key lives in the fragment: no URL, header or body the browser sent carries it.
  for (const req of requests) {
    const sent = [req.url(), JSON.stringify(await req.allHeaders()), req.postData() ?? ''].join('\n');
    expect.soft(sent, `${req.method()} ${req.url()}`).not.toContain(key);
    expect.soft(sent, `${req.method()} ${req.url()}`).not.toContain(canary);
  }

  // Wait until the API has logged the reveal request, then check the whole log.
  const requestId = await revealResponse.headerValue('x-request-id');
  expect(requestId).toBeTruthy();
  const log = await apiLogContaining(requestId!);
  expect(log).not.toContain(canary);
  expect(log).not.toContain(key);
  expect(log, 'the log names secrets by a prefix only').not.toContain(id);
});
