import type { SidebarApi, SidebarHost } from '@vouchsafe/contracts';
import { buildSecretLink } from '@vouchsafe/crypto';
import { formatExpiry } from '../format';
import { messages } from '../messages';
import { sealDraft, type SecretDraft } from './secret-draft';

export interface SentSecret {
  id: string;
  fingerprint: string;
  expiresAt: string;
  views: number;
  /** 'inserted': the link is in the reply draft. Otherwise the agent copies `link`. */
  delivery: 'inserted' | 'copy' | 'insert-failed';
  /**
   * The link with its key. Shown when the agent has to copy it; otherwise kept only in this
   * sidebar's memory so it can be copied again while the secret is unopened (never stored, never sent).
   */
  link: string;
  /** Issue 14: the link phrase the agent may read out; the customer's page shows the same three words. */
  phrase?: string;
}

/** Seal in the browser, store (ticket-bound), build the link. The link's key exists only in the returned link. */
export async function storeSecret(api: SidebarApi, draft: SecretDraft): Promise<Omit<SentSecret, 'delivery'>> {
  const { request, linkKey } = await sealDraft(draft);
  const created = await api.createSecret(request);
  const link = buildSecretLink(created.linkBase, created.id, linkKey);
  return {
    id: created.id,
    fingerprint: created.fingerprint,
    expiresAt: created.expiresAt,
    views: created.views,
    link,
    ...(created.phrase ? { phrase: created.phrase } : {}),
  };
}

/** Seal, store, build the link, hand it to the desk's reply draft when the desk allows it. */
export async function sendSecret(api: SidebarApi, host: SidebarHost, draft: SecretDraft): Promise<SentSecret> {
  const base = await storeSecret(api, draft);
  const { link } = base;
  if (!host.canInsertIntoReply) return { ...base, delivery: 'copy' };
  const text = messages.replyText(
    link,
    formatExpiry(base.expiresAt),
    base.views,
    draft.passphrase !== '',
    draft.requiresVerification === true,
  );
  try {
    await host.insertIntoReply(text);
    return { ...base, delivery: 'inserted' };
  } catch {
    // The secret exists; the agent must still be able to deliver it.
    return { ...base, delivery: 'insert-failed' };
  }
}
