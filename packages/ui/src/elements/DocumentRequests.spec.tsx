import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { documentMessages as m } from '../documents/document-messages';
import { FakeSidebarApi, FakeSidebarHost } from '../testing/fake-sidebar';
import { renderThemed } from '../testing/render';
import { DocumentRequests } from './DocumentRequests';

// jsdom has no blob: URLs: record what the viewer would show.
const blobs = new Map<string, Blob>();
beforeEach(() => {
  let n = 0;
  vi.stubGlobal(
    'URL',
    Object.assign(URL, {
      createObjectURL: (b: Blob) => {
        const url = `blob:test/${++n}`;
        blobs.set(url, b);
        return url;
      },
      revokeObjectURL: (url: string) => blobs.delete(url),
    }),
  );
});
afterEach(() => {
  vi.unstubAllGlobals();
  blobs.clear();
});

const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5);

function setup(opts: { canInsert?: boolean } = {}) {
  const api = new FakeSidebarApi();
  const host = new FakeSidebarHost(opts.canInsert ?? true);
  const onError = vi.fn();
  const user = userEvent.setup();
  renderThemed(<DocumentRequests api={api} host={host} onError={onError} pollIntervalMs={25} />);
  return { api, host, onError, user };
}
const submit = () => screen.getByRole('button', { name: m.submit });

/** Requests a photo ID with the defaults and returns the review key the sidebar offers to copy. */
async function requestPhotoId(user: ReturnType<typeof userEvent.setup>): Promise<string> {
  await user.click(screen.getByRole('checkbox', { name: m.presetLabel('photo_id') }));
  await user.click(submit());
  // user-event provides a clipboard: the agent copies the key from there.
  await user.click(await screen.findByRole('button', { name: m.copyReviewKey }));
  return navigator.clipboard.readText();
}

describe('DocumentRequests', () => {
  it('asks what is needed, then makes the keys here and sends the API only the public and sealed keys', async () => {
    const { api, host, user } = setup();
    await user.click(submit());
    expect(screen.getByText(m.needSomething)).toBeTruthy();
    expect(api.documentRequestsCreated).toHaveLength(0);

    const reviewKey = await requestPhotoId(user);
    expect(reviewKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [sent] = api.documentRequestsCreated;
    expect(sent).toMatchObject({ presets: ['photo_id'], maxFiles: 3, ttlSeconds: 72 * 3600 });
    expect(sent?.allowedTypes).toEqual(['image/jpeg', 'image/png', 'application/pdf']);
    expect(sent?.publicKey).toHaveLength(87);
    // The review key never goes to the API, in any field.
    expect(JSON.stringify(api.documentRequestsCreated)).not.toContain(reviewKey);
    expect(host.inserted[0]).toContain('https://vault.example/d/docreq');
    expect(screen.getByText(m.inserted)).toBeTruthy();
    expect(host.inserted.join()).not.toContain(reviewKey);
  });

  it('lists the upload, decrypts its name and image here, then accepts: reviewed and deleted', async () => {
    const { api, user } = setup();
    await requestPhotoId(user);
    const id = api.documentRequests[0]!.id;
    await api.uploadDocument(id, { name: 'passport.png', mediaType: 'image/png', bytes: PNG });
    await api.uploadDocument(id, { name: 'form.pdf', mediaType: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4 x') });

    expect(await screen.findByText('passport.png')).toBeTruthy();
    expect(screen.getByTestId('document-status').textContent).toBe(m.status.fulfilled);
    await user.click(screen.getByRole('button', { name: m.view('passport.png') }));
    const img = await screen.findByRole<HTMLImageElement>('img', { name: 'passport.png' });
    const shown = blobs.get(img.getAttribute('src') ?? '');
    expect(shown?.type).toBe('image/png');
    expect(await bytesOf(shown!)).toEqual(PNG);
    expect(screen.queryByRole('link')).toBeNull(); // no download link

    await user.click(screen.getByRole('button', { name: m.view('form.pdf') }));
    expect(screen.getByText(m.pdfNoPreview)).toBeTruthy();

    await user.click(screen.getByRole('button', { name: m.reject }));
    expect(screen.getByText(m.reasonNeeded)).toBeTruthy();
    expect(api.documentCalls.some((c) => c.startsWith('review'))).toBe(false);

    await user.click(screen.getByRole('button', { name: m.accept }));
    await waitFor(() => expect(screen.getByTestId('document-status').textContent).toBe(m.reviewedOutcome('accepted')));
    expect(api.documentCalls).toContain(`review ${id} accepted`);
    expect(api.documentChunks.size).toBe(0);
    expect(screen.queryByText('passport.png')).toBeNull();
    // The blob: URL of the image is revoked once it is gone from the screen.
    expect(blobs.size).toBe(0);
  });

  it('rejects with a reason, and revokes', async () => {
    const { api, user } = setup();
    await requestPhotoId(user);
    const id = api.documentRequests[0]!.id;
    await api.uploadDocument(id, { name: 'blurry.png', mediaType: 'image/png', bytes: PNG });
    await screen.findByText('blurry.png');
    await user.type(screen.getByRole('textbox', { name: m.reasonLabel }), 'too blurry');
    await user.click(screen.getByRole('button', { name: m.reject }));
    await waitFor(() => expect(screen.getByTestId('document-status').textContent).toBe(m.reviewedOutcome('rejected')));
    expect(api.documentCalls).toContain(`review ${id} rejected too blurry`);

    await user.click(screen.getByRole('checkbox', { name: m.presetLabel('proof_of_address') }));
    await user.click(submit());
    await waitFor(() => expect(api.documentRequests).toHaveLength(2));
    const second = api.documentRequests[0]!.id;
    await user.click(await screen.findByRole('button', { name: m.revoke }));
    await waitFor(() => expect(api.documentCalls).toContain(`revoke ${second}`));
    await waitFor(() => expect(screen.getAllByTestId('document-status')[0]?.textContent).toBe(m.status.revoked));
  });

  it('where the desk cannot insert, shows the link to copy; without the key in memory, asks for it and refuses a wrong one', async () => {
    const { api, host, user } = setup({ canInsert: false });
    const reviewKey = await requestPhotoId(user);
    expect(host.inserted).toHaveLength(0);
    expect(screen.getByText(m.copyInstead)).toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: m.linkLabel }).value).toContain('/d/docreq');

    // Another sidebar (or this one after a reload) sees the request but holds no key.
    const id = api.documentRequests[0]!.id;
    await api.uploadDocument(id, { name: 'id.png', mediaType: 'image/png', bytes: PNG });
    const other = setupOther(api);
    const field = await other.findByRole('textbox', { name: m.enterReviewKey });
    await user.click(field);
    await user.paste('A'.repeat(43));
    await user.click(other.getByRole('button', { name: m.openWithKey }));
    expect(await other.findByText(m.wrongKey)).toBeTruthy();
    expect(other.queryByText('id.png')).toBeNull();
    const again = await other.findByRole('textbox', { name: m.enterReviewKey });
    await user.clear(again);
    await user.paste(reviewKey);
    await user.click(other.getByRole('button', { name: m.openWithKey }));
    expect(await other.findByText('id.png')).toBeTruthy();
  });
});

function setupOther(api: FakeSidebarApi) {
  const { container } = renderThemed(<DocumentRequests api={api} host={new FakeSidebarHost()} onError={vi.fn()} pollIntervalMs={25} />);
  return within(container);
}

/** jsdom's Blob has no arrayBuffer(). */
function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsArrayBuffer(blob);
  });
}
