import { useEffect, useRef, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Textarea } from '@zendeskgarden/react-forms';
import { MESSAGES } from '../messages';

export interface RevealedTextProps {
  text: string;
  /** Injected for tests; defaults to the async clipboard API. */
  writeClipboard?: (text: string) => Promise<void>;
}

const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';
type CopyState = 'idle' | 'copied' | 'failed';

function defaultWriteClipboard(text: string): Promise<void> {
  if (!globalThis.navigator?.clipboard) return Promise.reject(new Error('clipboard unavailable'));
  return globalThis.navigator.clipboard.writeText(text);
}

export function RevealedText({ text, writeClipboard = defaultWriteClipboard }: RevealedTextProps) {
  const [copyState, setCopyState] = useState<CopyState>('idle');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async () => {
    clearTimeout(timer.current);
    try {
      await writeClipboard(text);
      setCopyState('copied');
      timer.current = setTimeout(() => setCopyState('idle'), 4000);
    } catch {
      setCopyState('failed');
    }
  };

  return (
    <div className="vs-revealed">
      <Field>
        <Field.Label>Secret</Field.Label>
        <Textarea
          readOnly
          value={text}
          minRows={3}
          maxRows={14}
          spellCheck={false}
          autoComplete="off"
          style={{ fontFamily: MONO }}
          onFocus={(e) => e.currentTarget.select()}
        />
      </Field>
      <div className="vs-actions">
        <Button onClick={() => void copy()}>Copy</Button>
        <span role="status" aria-live="polite" className="vs-inline-status">
          {copyState === 'copied' ? MESSAGES.copied : copyState === 'failed' ? MESSAGES.copyFailed : ''}
        </span>
      </div>
    </div>
  );
}
