import { useEffect, useRef, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input } from '@zendeskgarden/react-forms';
import { SM } from '@zendeskgarden/react-typography';
import { messages } from '../messages';
import * as styles from '../styles';

export interface CopyLinkProps {
  link: string;
  /** The button's accessible name when several are on screen ("Copy link of secret 3f9a1c2e"). */
  buttonName?: string;
  /** Show the link in a read-only field from the start (the agent must copy it); otherwise only when the clipboard refuses. */
  isLinkShown?: boolean;
  /** The field's label and the button's text, where what is copied is not a secret link (issue 11: upload link, review key). */
  fieldLabel?: string;
  buttonText?: string;
  /** Injected for tests; defaults to the async clipboard API. */
  writeClipboard?: (text: string) => Promise<void>;
}

type CopyState = 'idle' | 'copied' | 'failed';

function defaultWriteClipboard(text: string): Promise<void> {
  if (!globalThis.navigator?.clipboard) return Promise.reject(new Error('clipboard unavailable'));
  return globalThis.navigator.clipboard.writeText(text);
}

/** A Copy button for a secret link; where the desk's iframe refuses the clipboard, the link is shown selected for Ctrl+C. */
export function CopyLink({
  link,
  buttonName,
  isLinkShown = false,
  fieldLabel = messages.linkLabel,
  buttonText = messages.copyButton,
  writeClipboard = defaultWriteClipboard,
}: CopyLinkProps) {
  const [copyState, setCopyState] = useState<CopyState>('idle');
  const linkRef = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  // Sandboxed desk iframes often refuse the clipboard: the field appears, then gets the selection.
  useEffect(() => {
    if (copyState !== 'failed') return;
    linkRef.current?.focus();
    linkRef.current?.select();
  }, [copyState]);

  const copy = async (): Promise<void> => {
    clearTimeout(timer.current);
    try {
      await writeClipboard(link);
      setCopyState('copied');
      timer.current = setTimeout(() => setCopyState('idle'), 4000);
    } catch {
      setCopyState('failed');
    }
  };

  return (
    <>
      {(isLinkShown || copyState === 'failed') && (
        <Field style={styles.column}>
          <Field.Label>{fieldLabel}</Field.Label>
          <Input
            ref={linkRef}
            readOnly
            isCompact
            value={link}
            spellCheck={false}
            autoComplete="off"
            onFocus={(e) => e.currentTarget.select()}
          />
        </Field>
      )}
      <div style={styles.row}>
        <Button size="small" isPrimary aria-label={buttonName} onClick={() => void copy()}>
          {buttonText}
        </Button>
        <SM role="status">{copyState === 'copied' ? messages.copied : copyState === 'failed' ? messages.copyFailed : ''}</SM>
      </div>
    </>
  );
}
