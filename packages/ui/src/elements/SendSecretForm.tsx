import { useRef, useState, type FormEvent } from 'react';
import { EXPIRY_PRESETS, LIMITS } from '@vouchsafe/contracts';
import type { SecretPayload } from '@vouchsafe/crypto';
import { Button } from '@zendeskgarden/react-buttons';
import { Checkbox, Field, Fieldset, Input, Radio, Select, Textarea } from '@zendeskgarden/react-forms';
import { Dots } from '@zendeskgarden/react-loaders';
import { SM } from '@zendeskgarden/react-typography';
import { formatBytes } from '../format';
import { messages } from '../messages';
import * as styles from '../styles';
import { fileProblem, textProblem, viewsProblem, type DraftProblem, type SecretDraft } from '../send/secret-draft';

export interface SendSecretFormProps {
  /** Resolves true when the secret was sent: the form then forgets everything that was typed. */
  onSend: (draft: SecretDraft) => Promise<boolean>;
}

type Kind = SecretPayload['kind'];
const DEFAULT_TTL = 24 * 60 * 60;
const KINDS = [
  { value: 'text', label: messages.kindText },
  { value: 'file', label: messages.kindFile },
] as const;

function problemText(problem: DraftProblem | undefined, file: File | undefined): string | undefined {
  if (problem === undefined) return undefined;
  if (problem === 'fileTooLarge') return messages.fileTooLarge(formatBytes(file?.size ?? 0));
  return messages[problem];
}

/** FileReader where Blob.arrayBuffer is missing (older embedded browsers, jsdom). */
async function readFile(file: File): Promise<Uint8Array> {
  if (typeof file.arrayBuffer === 'function') return new Uint8Array(await file.arrayBuffer());
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error('file could not be read'));
    reader.readAsArrayBuffer(file);
  });
}

export function SendSecretForm({ onSend }: SendSecretFormProps) {
  const [kind, setKind] = useState<Kind>('text');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | undefined>(undefined);
  const [fileInputKey, setFileInputKey] = useState(0);
  const [ttlSeconds, setTtlSeconds] = useState(DEFAULT_TTL);
  const [views, setViews] = useState('1');
  const [passphrase, setPassphrase] = useState('');
  const [requiresVerification, setRequiresVerification] = useState(false);
  const [isSending, setIsSending] = useState(false);
  const [hasTriedSend, setHasTriedSend] = useState(false);
  const [isUnreadable, setIsUnreadable] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const viewsRef = useRef<HTMLInputElement>(null);

  const contentProblem = kind === 'text' ? textProblem(text) : fileProblem(file?.size);
  // "Missing" waits for a send attempt; "too large" shows as soon as it is true.
  const shownContentProblem =
    contentProblem === 'textMissing' || contentProblem === 'fileMissing' ? (hasTriedSend ? contentProblem : undefined) : contentProblem;
  const viewsIssue = viewsProblem(views);
  const contentMessage = problemText(shownContentProblem, file) ?? (kind === 'file' && isUnreadable ? messages.fileUnreadable : undefined);

  const reset = (): void => {
    setText('');
    setFile(undefined);
    setFileInputKey((k) => k + 1);
    setPassphrase('');
    setRequiresVerification(false);
    setViews('1');
    setTtlSeconds(DEFAULT_TTL);
    setHasTriedSend(false);
  };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (isSending) return;
    setHasTriedSend(true);
    if (contentProblem) {
      (kind === 'text' ? textRef : fileRef).current?.focus();
      return;
    }
    if (viewsIssue) {
      viewsRef.current?.focus();
      return;
    }
    setIsSending(true);
    setIsUnreadable(false);
    try {
      let payload: SecretPayload;
      if (kind === 'text' || !file) {
        payload = { kind: 'text', text };
      } else {
        try {
          payload = { kind: 'file', name: file.name, type: file.type || 'application/octet-stream', bytes: await readFile(file) };
        } catch {
          setIsUnreadable(true);
          return;
        }
      }
      const isSent = await onSend({ payload, ttlSeconds, views: Number(views), passphrase, requiresVerification });
      if (isSent) reset();
    } finally {
      setIsSending(false);
    }
  };

  return (
    <form style={styles.column} onSubmit={(e) => void submit(e)} noValidate aria-label={messages.sendFormName}>
      <Fieldset>
        <Fieldset.Legend>{messages.kindLegend}</Fieldset.Legend>
        {KINDS.map((k) => (
          <Field key={k.value}>
            <Radio name="vouchsafe-kind" value={k.value} checked={kind === k.value} disabled={isSending} onChange={() => setKind(k.value)}>
              <Field.Label>{k.label}</Field.Label>
            </Radio>
          </Field>
        ))}
      </Fieldset>

      {kind === 'text' ? (
        <Field>
          <Field.Label>{messages.textLabel}</Field.Label>
          <Field.Hint>{messages.textHint}</Field.Hint>
          <Textarea
            ref={textRef}
            value={text}
            minRows={3}
            maxRows={10}
            spellCheck={false}
            autoComplete="off"
            disabled={isSending}
            validation={contentMessage ? 'error' : undefined}
            aria-invalid={contentMessage ? true : undefined}
            onChange={(e) => setText(e.target.value)}
          />
          {contentMessage && <Field.Message validation="error">{contentMessage}</Field.Message>}
        </Field>
      ) : (
        <Field>
          <Field.Label>{messages.fileLabel}</Field.Label>
          <Field.Hint>{messages.fileHint}</Field.Hint>
          <Input
            key={fileInputKey}
            ref={fileRef}
            type="file"
            isCompact
            disabled={isSending}
            validation={contentMessage ? 'error' : undefined}
            aria-invalid={contentMessage ? true : undefined}
            onChange={(e) => {
              setFile(e.target.files?.[0]);
              setIsUnreadable(false);
            }}
          />
          {file && <SM>{messages.fileChosen(file.name, formatBytes(file.size))}</SM>}
          {contentMessage && <Field.Message validation="error">{contentMessage}</Field.Message>}
        </Field>
      )}

      <Field>
        <Field.Label>{messages.expiryLabel}</Field.Label>
        <Select isCompact value={String(ttlSeconds)} disabled={isSending} onChange={(e) => setTtlSeconds(Number(e.target.value))}>
          {EXPIRY_PRESETS.map((p) => (
            <option key={p.seconds} value={p.seconds}>
              {p.label}
            </option>
          ))}
        </Select>
      </Field>

      <Field>
        <Field.Label>{messages.viewsLabel}</Field.Label>
        <Field.Hint>{messages.viewsHint}</Field.Hint>
        <Input
          ref={viewsRef}
          type="number"
          inputMode="numeric"
          isCompact
          min={LIMITS.viewsMin}
          max={LIMITS.viewsMax}
          step={1}
          value={views}
          disabled={isSending}
          validation={viewsIssue ? 'error' : undefined}
          aria-invalid={viewsIssue ? true : undefined}
          onChange={(e) => setViews(e.target.value)}
        />
        {viewsIssue && <Field.Message validation="error">{messages.viewsInvalid}</Field.Message>}
      </Field>

      <Field>
        <Field.Label>{messages.passphraseLabel}</Field.Label>
        <Field.Hint>{messages.passphraseHint}</Field.Hint>
        <Input
          type="password"
          isCompact
          autoComplete="new-password"
          spellCheck={false}
          value={passphrase}
          disabled={isSending}
          onChange={(e) => setPassphrase(e.target.value)}
        />
      </Field>

      <Field>
        <Checkbox checked={requiresVerification} disabled={isSending} onChange={(e) => setRequiresVerification(e.target.checked)}>
          <Field.Label>{messages.verifyOnlyRequester}</Field.Label>
        </Checkbox>
        <Field.Hint>{messages.verifyOnlyRequesterHint}</Field.Hint>
      </Field>

      <div style={styles.row}>
        <Button type="submit" isPrimary disabled={isSending} aria-busy={isSending || undefined}>
          {messages.sendButton}
        </Button>
        <SM role="status">
          {isSending && (
            <>
              <Dots aria-hidden="true" /> {messages.sending}
            </>
          )}
        </SM>
      </div>
    </form>
  );
}
