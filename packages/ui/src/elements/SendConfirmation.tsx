import { Button } from '@zendeskgarden/react-buttons';
import { Well } from '@zendeskgarden/react-notifications';
import { MD, SM } from '@zendeskgarden/react-typography';
import { formatExpiry } from '../format';
import { messages } from '../messages';
import * as styles from '../styles';
import type { SentSecret } from '../send/send-secret';
import { CopyLink } from './CopyLink';

export interface SendConfirmationProps {
  sent: SentSecret;
  onDismiss: () => void;
  /** Injected for tests; defaults to the async clipboard API. */
  writeClipboard?: (text: string) => Promise<void>;
}

/**
 * After a send: where the link went (the reply draft, or a field to copy it from), its fingerprint
 * and expiry. The link itself is only on screen when the agent has to copy it; later copies come
 * from the activity list while the secret is unopened.
 */
export function SendConfirmation({ sent, onDismiss, writeClipboard }: SendConfirmationProps) {
  const headline =
    sent.delivery === 'inserted' ? messages.insertedIntoReply : sent.delivery === 'copy' ? messages.copyIntoReply : messages.insertFailed;

  return (
    <Well isRecessed style={styles.confirmation}>
      <MD isBold>{headline}</MD>
      <SM>{messages.sentSummary(sent.fingerprint, formatExpiry(sent.expiresAt), sent.views)}</SM>
      {sent.phrase && (
        <div role="group" aria-label={messages.phraseLabel}>
          <SM isBold>
            {messages.phraseLabel}: <span data-testid="link-phrase">{sent.phrase}</span>
          </SM>
          <SM>{messages.phraseHint}</SM>
        </div>
      )}
      {sent.delivery !== 'inserted' && <CopyLink link={sent.link} isLinkShown writeClipboard={writeClipboard} />}
      <div style={styles.row}>
        <Button size="small" isBasic onClick={onDismiss}>
          {messages.dismissConfirmation}
        </Button>
      </div>
    </Well>
  );
}
