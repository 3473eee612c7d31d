import { useEffect, useRef, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input } from '@zendeskgarden/react-forms';
import { Well } from '@zendeskgarden/react-notifications';
import { MD, SM } from '@zendeskgarden/react-typography';
import { formatExpiry } from '../format';
import { messages } from '../messages';
import * as styles from '../styles';
import type { SentSecret } from '../send/send-secret';

export interface SendConfirmationProps {
  sent: SentSecret;
  onDismiss: () => void;
  /** Injected for tests; defaults to the async clipboard API. */
  writeClipboard?: (text: string) => Promise<void>;
}

type CopyState = 'idle' | 'copied' | 'failed';

function defaultWriteClipboard(text: string): Promise<void> {
  if (!globalThis.navigator?.clipboard) return Promise.reject(new Error('clipboard unavailable'));
  return globalThis.navigator.clipboard.writeText(text);
}

/**
 * After a send: where the link went (the reply draft, or a field to copy it from), its fingerprint
 * and expiry. The link itself is only on screen when the agent has to copy it.
 */
export function SendConfirmation({ sent, onDismiss, writeClipboard = defaultWriteClipboard }: SendConfirmationProps) {
  const [copyState, setCopyState] = useState<CopyState>('idle');
  const linkRef = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async (link: string): Promise<void> => {
    clearTimeout(timer.current);
    try {
      await writeClipboard(link);
      setCopyState('copied');
      timer.current = setTimeout(() => setCopyState('idle'), 4000);
    } catch {
      // Sandboxed desk iframes often refuse the clipboard: leave the link selected for Ctrl+C.
      linkRef.current?.focus();
      linkRef.current?.select();
      setCopyState('failed');
    }
  };

  const headline =
    sent.delivery === 'inserted' ? messages.insertedIntoReply : sent.delivery === 'copy' ? messages.copyIntoReply : messages.insertFailed;

  return (
    <Well isRecessed style={styles.block}>
      <MD isBold>{headline}</MD>
      <SM>{messages.sentSummary(sent.fingerprint, formatExpiry(sent.expiresAt), sent.views)}</SM>
      {sent.link !== undefined && (
        <>
          <Field style={styles.row}>
            <Field.Label>{messages.linkLabel}</Field.Label>
            <Input
              ref={linkRef}
              readOnly
              isCompact
              value={sent.link}
              spellCheck={false}
              autoComplete="off"
              onFocus={(e) => e.currentTarget.select()}
            />
          </Field>
          <div style={styles.row}>
            <Button size="small" isPrimary onClick={() => void copy(sent.link as string)}>
              {messages.copyButton}
            </Button>
            <SM role="status">{copyState === 'copied' ? messages.copied : copyState === 'failed' ? messages.copyFailed : ''}</SM>
          </div>
        </>
      )}
      <div style={styles.row}>
        <Button size="small" isBasic onClick={onDismiss}>
          {messages.dismissConfirmation}
        </Button>
      </div>
    </Well>
  );
}
