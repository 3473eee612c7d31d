import { useEffect, useRef, useState } from 'react';
import type { TicketSecret } from '@vouchsafe/contracts';
import { Button } from '@zendeskgarden/react-buttons';
import { Tag } from '@zendeskgarden/react-tags';
import { SM, Span } from '@zendeskgarden/react-typography';
import { formatExpiry } from '../format';
import { messages } from '../messages';
import * as styles from '../styles';
import { CopyLink } from './CopyLink';

export interface ActivityItemProps {
  secret: TicketSecret;
  /** Resolves once the revoke has been answered (either way). */
  onRevoke: (secret: TicketSecret) => Promise<void>;
  /** The link, when this sidebar sent the secret in this session (memory only): copyable while unopened. */
  link?: string;
}

/** Copying again makes sense only while nobody has opened the link: waiting, no view used. */
export const isUnopened = (secret: TicketSecret): boolean => secret.status === 'waiting' && secret.viewsUsed === 0;

const HUES: Record<TicketSecret['status'], string> = {
  waiting: 'blue',
  viewed: 'green',
  expired: 'grey',
  revoked: 'red',
};

export function ActivityItem({ secret, onRevoke, link }: ActivityItemProps) {
  const [isConfirming, setIsConfirming] = useState(false);
  const [isRevoking, setIsRevoking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const revokeRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  // Keyboard users land on the question's answer, and back on Revoke when they cancel.
  useEffect(() => {
    if (isConfirming) confirmRef.current?.focus();
    else if (wasConfirming.current) revokeRef.current?.focus();
    wasConfirming.current = isConfirming;
  }, [isConfirming]);

  const revoke = async (): Promise<void> => {
    setIsRevoking(true);
    try {
      await onRevoke(secret);
    } finally {
      setIsRevoking(false);
      setIsConfirming(false);
    }
  };

  const expiry = formatExpiry(secret.expiresAt);
  const isWaiting = secret.status === 'waiting';
  return (
    <li style={styles.listItem} aria-label={messages.fingerprint(secret.fingerprint)}>
      <div style={styles.row}>
        <Tag hue={HUES[secret.status]} size="small">
          {messages.status[secret.status]}
        </Tag>
        <Span isMonospace>{secret.fingerprint}</Span>
        <SM tag="span">{messages.kind[secret.kind]}</SM>
      </div>
      <SM>{messages.viewsUsed(secret.viewsUsed, secret.viewsTotal)}</SM>
      <SM>{secret.status === 'expired' ? messages.expired(expiry) : messages.expires(expiry)}</SM>
      <SM>{messages.sentBy(secret.agentLabel)}</SM>
      {secret.noteStatus === 'pending' && <SM>{messages.notePending}</SM>}
      {secret.noteStatus === 'failed' && (
        <SM isBold style={styles.danger}>
          {messages.noteFailed}
        </SM>
      )}
      {link !== undefined && isUnopened(secret) && !isConfirming && (
        <CopyLink link={link} buttonName={messages.copyLinkName(secret.fingerprint)} />
      )}
      {isWaiting && !isConfirming && (
        <div style={styles.row}>
          <Button
            ref={revokeRef}
            size="small"
            isDanger
            aria-label={messages.revokeName(secret.fingerprint)}
            onClick={() => setIsConfirming(true)}
          >
            {messages.revokeButton}
          </Button>
        </div>
      )}
      {isWaiting && isConfirming && (
        <div role="group" aria-label={messages.revokeName(secret.fingerprint)}>
          <SM>{messages.revokeQuestion}</SM>
          <div style={styles.row}>
            <Button
              ref={confirmRef}
              size="small"
              isDanger
              isPrimary
              disabled={isRevoking}
              aria-busy={isRevoking || undefined}
              onClick={() => void revoke()}
            >
              {messages.revokeConfirm}
            </Button>
            <Button size="small" isBasic disabled={isRevoking} onClick={() => setIsConfirming(false)}>
              {messages.revokeCancel}
            </Button>
          </div>
        </div>
      )}
    </li>
  );
}
