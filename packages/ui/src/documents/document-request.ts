import type { CreateDocumentRequest, DocumentReviewMaterial, SidebarApi, SidebarHost } from '@vouchsafe/contracts';
import {
  createDocumentDecryptor,
  fromBase64Url,
  generateRequestKeyPair,
  generateReviewKey,
  openRequestPrivateKey,
  sealRequestPrivateKey,
  toBase64Url,
} from '@vouchsafe/crypto';
import { formatExpiry } from '../format';
import { documentMessages } from './document-messages';

/** What the agent chose in the form; the keys are made here, not by the form. */
export type DocumentRequestDraft = Omit<CreateDocumentRequest, 'publicKey' | 'sealedPrivateKey'>;

export interface RequestedDocuments {
  id: string;
  link: string;
  expiresAt: string;
  /**
   * The 256-bit review key (base64url). It never goes to the Vouchsafe API: the caller keeps it in the sidebar's
   * memory and offers it to copy (documents NOTES.md, "Where the review key lives").
   */
  reviewKey: string;
  delivery: 'inserted' | 'copy' | 'insert-failed';
}

/**
 * Makes the request's key pair and review key in this browser, seals the private key under the review key, stores
 * the request (public key + sealed private key only) and hands the link to the reply the way secret links go.
 */
export async function requestDocuments(
  api: Pick<SidebarApi, 'createDocumentRequest'>,
  host: SidebarHost,
  draft: DocumentRequestDraft,
): Promise<RequestedDocuments> {
  const pair = await generateRequestKeyPair();
  const reviewKey = generateReviewKey();
  const sealed = await sealRequestPrivateKey(pair, reviewKey);
  const created = await api.createDocumentRequest({
    ...draft,
    publicKey: toBase64Url(pair.publicKey),
    sealedPrivateKey: toBase64Url(sealed),
  });
  const base = { id: created.id, link: created.link, expiresAt: created.expiresAt, reviewKey: toBase64Url(reviewKey) };
  reviewKey.fill(0);
  if (!host.canInsertIntoReply) return { ...base, delivery: 'copy' };
  try {
    await host.insertIntoReply(documentMessages.replyText(created.link, formatExpiry(created.expiresAt)));
    return { ...base, delivery: 'inserted' };
  } catch {
    return { ...base, delivery: 'insert-failed' };
  }
}

export interface OpenedFile {
  id: string;
  name: string;
  mediaType: DocumentReviewMaterial['files'][number]['mediaType'];
  sizeBytes: number;
  /** Fetches every chunk and decrypts it here: the whole file, or an error. */
  load(): Promise<Uint8Array>;
}

/** Opens a request's files with the review key: names are decrypted at once, contents on demand. */
export async function openDocuments(
  api: Pick<SidebarApi, 'getDocumentReviewMaterial' | 'getDocumentChunk'>,
  requestId: string,
  reviewKey: string,
): Promise<OpenedFile[]> {
  const material = await api.getDocumentReviewMaterial(requestId);
  const publicKey = fromBase64Url(material.publicKey);
  const privateKey = await openRequestPrivateKey(fromBase64Url(material.sealedPrivateKey), fromBase64Url(reviewKey), publicKey);
  return Promise.all(
    material.files.map(async (f) => {
      const decryptor = await createDocumentDecryptor(privateKey, publicKey, fromBase64Url(f.ephemeralPublicKey), {
        requestId,
        fileId: f.id,
        mediaType: f.mediaType,
        sizeBytes: f.sizeBytes,
        chunkBytes: f.chunkBytes,
      });
      const name = await decryptor.decryptName(fromBase64Url(f.encryptedName));
      return {
        id: f.id,
        name,
        mediaType: f.mediaType,
        sizeBytes: f.sizeBytes,
        async load() {
          const chunks: Uint8Array[] = [];
          for (let i = 0; i < decryptor.chunkCount; i++) chunks.push(await api.getDocumentChunk(requestId, f.id, i));
          return decryptor.decryptAll(chunks);
        },
      };
    }),
  );
}
