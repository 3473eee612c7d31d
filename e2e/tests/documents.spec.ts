import { createHash, randomBytes } from 'node:crypto';
import { DOCUMENT_PATHS, SESSION_HEADER } from '@vouchsafe/contracts';
import {
  createDocumentDecryptor,
  fromBase64Url,
  generateRequestKeyPair,
  generateReviewKey,
  openRequestPrivateKey,
  sealRequestPrivateKey,
  toBase64Url,
} from '@vouchsafe/crypto';
import { queryDatabase } from '@vouchsafe/test-support';
import { expect, test } from './support/browser-checks';
import { apiUrl, newTicket, sessionFor, waitForNotes } from './support/desks';

// Issue 11: a document request on a Zendesk ticket. The agent's side (request, review) goes through the sidebar API
// with a real session (the sidebar UI for documents is not built yet: modules/documents/NOTES.md); the customer's side
// is the real portal page in Chromium: the file is encrypted in the browser and uploaded in 1 MiB chunks, one chunk's
// connection is reset on its first try and the page resumes; the review deletes every chunk (checked in Postgres).

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('a customer uploads a requested document through a dropped connection; the agent reviews it and it is deleted', async ({
  browser,
  request,
}) => {
  const ticket = await newTicket(request, 'zendesk');
  const session = await sessionFor(request, ticket);
  const headers = { [SESSION_HEADER]: session };
  const pair = await generateRequestKeyPair();
  const reviewKey = generateReviewKey();
  const created = await request.post(`${apiUrl()}${DOCUMENT_PATHS.sidebarRequests}`, {
    headers,
    data: {
      presets: ['proof_of_address'],
      maxFiles: 1,
      publicKey: toBase64Url(pair.publicKey),
      sealedPrivateKey: toBase64Url(await sealRequestPrivateKey(pair, reviewKey)),
    },
  });
  expect(created.status()).toBe(201);
  const { id, link } = (await created.json()) as { id: string; link: string };

  // The customer, in a browser context of their own.
  const context = await browser.newContext();
  const page = await context.newPage();
  let chunkOneTries = 0;
  await page.route('**/document-requests/*/files/*/chunks/1', async (route) => {
    chunkOneTries++;
    if (chunkOneTries === 1) await route.abort('connectionreset');
    else await route.continue();
  });
  await page.goto(link);
  await expect(page.getByRole('heading', { name: /^Documents for / })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: 'proof of address' })).toBeVisible();
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2 * 1024 * 1024 + 300_000)]);
  await page.locator('input[type=file]').setInputFiles({ name: 'statement.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect(page.getByText('uploaded')).toBeVisible({ timeout: 30_000 });
  expect(chunkOneTries).toBe(2);
  await page.getByRole('button', { name: 'Send 1 file' }).click();
  await expect(page.getByRole('heading', { name: 'Thank you' })).toBeVisible();
  await context.close();
  await waitForNotes(request, 'zendesk', ticket.id, (n) => n.length >= 2);

  // The agent's review: the sealed key opens only with the review key the API never saw; the file matches.
  const material = (await (await request.get(`${apiUrl()}${DOCUMENT_PATHS.sidebarReviewMaterial(id)}`, { headers })).json()) as {
    publicKey: string;
    sealedPrivateKey: string;
    files: {
      id: string;
      mediaType: string;
      sizeBytes: number;
      chunkBytes: number;
      chunkCount: number;
      ephemeralPublicKey: string;
      encryptedName: string;
    }[];
  };
  const publicKey = fromBase64Url(material.publicKey);
  const privateKey = await openRequestPrivateKey(fromBase64Url(material.sealedPrivateKey), reviewKey, publicKey);
  const f = material.files[0]!;
  expect(f.chunkCount).toBe(3);
  const dec = await createDocumentDecryptor(privateKey, publicKey, fromBase64Url(f.ephemeralPublicKey), {
    requestId: id,
    fileId: f.id,
    mediaType: f.mediaType,
    sizeBytes: f.sizeBytes,
    chunkBytes: f.chunkBytes,
  });
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < f.chunkCount; i++) {
    chunks.push(await (await request.get(`${apiUrl()}${DOCUMENT_PATHS.sidebarChunk(id, f.id, i)}`, { headers })).body());
  }
  expect(sha(await dec.decryptAll(chunks))).toBe(sha(pdf));
  expect(await dec.decryptName(fromBase64Url(f.encryptedName))).toBe('statement.pdf');

  const dbUrl = process.env.VOUCHSAFE_E2E_DATABASE_URL!;
  const count = async () =>
    (await queryDatabase<{ n: number }>(dbUrl, 'SELECT count(*)::int AS n FROM document_chunks WHERE request_id = $1', [id]))[0]!.n;
  expect(await count()).toBe(4); // three chunks and the encrypted name
  const reviewed = await request.post(`${apiUrl()}${DOCUMENT_PATHS.sidebarReview(id)}`, { headers, data: { outcome: 'accepted' } });
  expect(reviewed.status()).toBe(200);
  expect(await count()).toBe(0);
  const notes = await waitForNotes(request, 'zendesk', ticket.id, (n) => n.length >= 3);
  expect(notes.map((n) => n.body.split('\n')[0])).toEqual([
    'Vouchsafe · Documents requested: proof of address',
    expect.stringMatching(/^Vouchsafe · Documents received: 1 file \(2\.\d MiB\)$/),
    'Vouchsafe · Documents reviewed and deleted (accepted)',
  ]);
});
