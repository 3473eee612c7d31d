import type { SidebarApi, SidebarHost } from '@vouchsafe/contracts';
import { buildSecretLink } from '@vouchsafe/crypto';
import { formatExpiry } from '../format';
import { messages } from '../messages';
import { sealDraft, type SecretDraft } from './secret-draft';

export interface SentSecret {
  fingerprint: string;
  expiresAt: string;
  views: number;
  /** 'inserted': the link is in the reply draft. Otherwise the agent copies `link`. */
  delivery: 'inserted' | 'copy' | 'insert-failed';
  /** Only kept when the agent has to copy it. */
  link?: string;
}

/** Seal, store, build the link, hand it to the desk's reply draft when the desk allows it. */
export async function sendSecret(api: SidebarApi, host: SidebarHost, draft: SecretDraft): Promise<SentSecret> {
  const { request, linkKey } = await sealDraft(draft);
  const created = await api.createSecret(request);
  const link = buildSecretLink(created.linkBase, created.id, linkKey);
  const base = { fingerprint: created.fingerprint, expiresAt: created.expiresAt, views: created.views };
  if (!host.canInsertIntoReply) return { ...base, delivery: 'copy', link };
  const text = messages.replyText(
    link,
    formatExpiry(created.expiresAt),
    created.views,
    draft.passphrase !== '',
    draft.requiresVerification === true,
  );
  try {
    await host.insertIntoReply(text);
    return { ...base, delivery: 'inserted' };
  } catch {
    // The secret exists; the agent must still be able to deliver it.
    return { ...base, delivery: 'insert-failed', link };
  }
}
