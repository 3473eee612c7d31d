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
import {
  EXPIRY_UNITS,
  customExpiry,
  fileProblem,
  passphraseProblem,
  textProblem,
  viewsProblem,
  type ExpiryUnit,
  type SecretDraft,
} from '../send/secret-draft';

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

/** The select's value for "type your own expiry". */
const CUSTOM = 'custom';

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
  const [ttlChoice, setTtlChoice] = useState(String(DEFAULT_TTL));
  const [customAmount, setCustomAmount] = useState('3');
  const [customUnit, setCustomUnit] = useState<ExpiryUnit>('days');
  const [views, setViews] = useState('1');
  const [passphrase, setPassphrase] = useState('');
  const [requiresVerification, setRequiresVerification] = useState(false);
  const [isSending, setIsSending] = useState(false);
  const [hasTriedSend, setHasTriedSend] = useState(false);
  const [isUnreadable, setIsUnreadable] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const viewsRef = useRef<HTMLInputElement>(null);
  const customRef = useRef<HTMLInputElement>(null);
  const passphraseRef = useRef<HTMLInputElement>(null);

  const contentProblem = kind === 'text' ? textProblem(text) : fileProblem(file?.size);
  // Nothing (or only blanks) typed, no file chosen: said after a send attempt. Too large, an
  // empty file: said as soon as it is true.
  const isContentMissing = kind === 'text' ? text.trim() === '' : file === undefined;
  const shownContentProblem = isContentMissing && !hasTriedSend ? undefined : contentProblem;
  const viewsIssue = viewsProblem(views);
  const contentMessage = shownContentProblem ?? (kind === 'file' && isUnreadable ? messages.fileUnreadable : undefined);
  const isCustomTtl = ttlChoice === CUSTOM;
  const custom = customExpiry(customAmount, customUnit);
  const ttlIssue = isCustomTtl && 'problem' in custom ? custom.problem : undefined;
  const ttlSeconds = isCustomTtl ? ('seconds' in custom ? custom.seconds : DEFAULT_TTL) : Number(ttlChoice);
  const passphraseIssue = passphraseProblem(passphrase);
  const shownPassphraseIssue = hasTriedSend ? passphraseIssue : undefined;

  const reset = (): void => {
    setText('');
    setFile(undefined);
    setFileInputKey((k) => k + 1);
    setPassphrase('');
    setRequiresVerification(false);
    setViews('1');
    setTtlChoice(String(DEFAULT_TTL));
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
    if (ttlIssue) {
      customRef.current?.focus();
      return;
    }
    if (viewsIssue) {
      viewsRef.current?.focus();
      return;
    }
    if (passphraseIssue) {
      passphraseRef.current?.focus();
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
          {/* The native control printed the file name as well as our line below (issue 16 item 17): it stays,
              labelled, for assistive technology and tests, visually hidden behind a Garden button. */}
          <Input
            key={fileInputKey}
            ref={fileRef}
            type="file"
            style={styles.visuallyHidden}
            tabIndex={-1}
            disabled={isSending}
            validation={contentMessage ? 'error' : undefined}
            aria-invalid={contentMessage ? true : undefined}
            onChange={(e) => {
              setFile(e.target.files?.[0]);
              setIsUnreadable(false);
            }}
          />
          <div style={styles.row}>
            <Button size="small" disabled={isSending} aria-describedby="vouchsafe-file-chosen" onClick={() => fileRef.current?.click()}>
              {file ? messages.fileChooseOther : messages.fileChoose}
            </Button>
          </div>
          {file && (
            <SM id="vouchsafe-file-chosen" style={styles.wrapAnywhere}>
              {messages.fileChosen(file.name, formatBytes(file.size))}
            </SM>
          )}
          {contentMessage && <Field.Message validation="error">{contentMessage}</Field.Message>}
        </Field>
      )}

      <Field>
        <Field.Label>{messages.expiryLabel}</Field.Label>
        <Select isCompact value={ttlChoice} disabled={isSending} onChange={(e) => setTtlChoice(e.target.value)}>
          {EXPIRY_PRESETS.map((p) => (
            <option key={p.seconds} value={p.seconds}>
              {p.label}
            </option>
          ))}
          <option value={CUSTOM}>{messages.expiryCustom}</option>
        </Select>
      </Field>
      {isCustomTtl && (
        <div style={styles.column}>
          <div style={styles.bottomRow}>
            <Field style={styles.grow}>
              <Field.Label>{messages.expiryCustomAmount}</Field.Label>
              <Input
                ref={customRef}
                type="number"
                inputMode="numeric"
                isCompact
                min={1}
                step={1}
                value={customAmount}
                disabled={isSending}
                validation={ttlIssue ? 'error' : undefined}
                aria-invalid={ttlIssue ? true : undefined}
                aria-describedby="vouchsafe-custom-expiry-hint"
                onChange={(e) => setCustomAmount(e.target.value)}
              />
            </Field>
            <Field style={styles.grow}>
              <Field.Label>{messages.expiryCustomUnit}</Field.Label>
              <Select isCompact value={customUnit} disabled={isSending} onChange={(e) => setCustomUnit(e.target.value as ExpiryUnit)}>
                {(Object.keys(EXPIRY_UNITS) as ExpiryUnit[]).map((u) => (
                  <option key={u} value={u}>
                    {messages.expiryUnits[u]}
                  </option>
                ))}
              </Select>
            </Field>
          </div>
          {/* Hint and error under both controls, full width: beside a narrow input they wrapped word by word at 320 px. */}
          <SM id="vouchsafe-custom-expiry-hint" style={ttlIssue ? styles.danger : styles.muted} role={ttlIssue ? 'alert' : undefined}>
            {ttlIssue ?? messages.expiryCustomHint}
          </SM>
        </div>
      )}

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
          ref={passphraseRef}
          type="password"
          isCompact
          autoComplete="new-password"
          spellCheck={false}
          value={passphrase}
          disabled={isSending}
          validation={shownPassphraseIssue ? 'error' : undefined}
          aria-invalid={shownPassphraseIssue ? true : undefined}
          onChange={(e) => setPassphrase(e.target.value)}
        />
        {shownPassphraseIssue && <Field.Message validation="error">{shownPassphraseIssue}</Field.Message>}
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
