import { useState, type FormEvent } from 'react';
import { DOCUMENT_LIMITS, DOCUMENT_PRESETS, DOCUMENT_TYPES, type DocumentPreset, type DocumentType } from '@vouchsafe/contracts';
import { Button } from '@zendeskgarden/react-buttons';
import { Checkbox, Field, Fieldset, Input, Textarea } from '@zendeskgarden/react-forms';
import { Dots } from '@zendeskgarden/react-loaders';
import { SM } from '@zendeskgarden/react-typography';
import { documentMessages as m } from '../documents/document-messages';
import type { DocumentRequestDraft } from '../documents/document-request';
import * as styles from '../styles';

export interface DocumentRequestFormProps {
  /** Resolves true when the request was made: the form then resets. */
  onRequest: (draft: DocumentRequestDraft) => Promise<boolean>;
}

const DEFAULT_HOURS = String(DOCUMENT_LIMITS.defaultTtlSeconds / 3600);
const MAX_HOURS = DOCUMENT_LIMITS.maxTtlSeconds / 3600;
const toggle = <T,>(list: readonly T[], item: T, isOn: boolean): T[] => (isOn ? [...list, item] : list.filter((x) => x !== item));

/** Issue 11: what the agent asks the requester for; keys are made by the caller on submit, never here. */
export function DocumentRequestForm({ onRequest }: DocumentRequestFormProps) {
  const [presets, setPresets] = useState<DocumentPreset[]>([]);
  const [note, setNote] = useState('');
  const [maxFiles, setMaxFiles] = useState('3');
  const [types, setTypes] = useState<DocumentType[]>([...DOCUMENT_TYPES]);
  const [hours, setHours] = useState(DEFAULT_HOURS);
  const [isSending, setIsSending] = useState(false);
  const [hasTried, setHasTried] = useState(false);

  const files = Number(maxFiles);
  const ttlHours = Number(hours);
  const issues: Partial<Record<'what' | 'types' | 'maxFiles' | 'hours', string>> = {
    what: presets.length === 0 && note.trim() === '' ? m.needSomething : undefined,
    types: types.length === 0 ? m.needType : undefined,
    maxFiles: Number.isInteger(files) && files >= 1 && files <= DOCUMENT_LIMITS.maxFiles ? undefined : m.badMaxFiles,
    hours: Number.isInteger(ttlHours) && ttlHours >= 1 && ttlHours <= MAX_HOURS ? undefined : m.badExpiry,
  };
  const shown: typeof issues = hasTried ? issues : {};

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setHasTried(true);
    if (Object.values(issues).some((i) => i !== undefined)) return;
    setIsSending(true);
    const trimmed = note.trim();
    const isDone = await onRequest({
      presets,
      ...(trimmed === '' ? {} : { note: trimmed }),
      maxFiles: files,
      allowedTypes: DOCUMENT_TYPES.filter((t) => types.includes(t)),
      ttlSeconds: ttlHours * 3600,
    });
    setIsSending(false);
    if (!isDone) return;
    setPresets([]);
    setNote('');
    setMaxFiles('3');
    setTypes([...DOCUMENT_TYPES]);
    setHours(DEFAULT_HOURS);
    setHasTried(false);
  };

  return (
    <form style={styles.column} noValidate aria-label={m.requestHeading} onSubmit={(e) => void submit(e)}>
      <Fieldset>
        <Fieldset.Legend>{m.presetsLegend}</Fieldset.Legend>
        {DOCUMENT_PRESETS.map((p) => (
          <Field key={p}>
            <Checkbox
              checked={presets.includes(p)}
              disabled={isSending}
              onChange={(e) => setPresets((l) => toggle(l, p, e.target.checked))}
            >
              <Field.Label>{m.presetLabel(p)}</Field.Label>
            </Checkbox>
          </Field>
        ))}
        {shown.what && (
          <SM role="alert" style={styles.danger}>
            {shown.what}
          </SM>
        )}
      </Fieldset>
      <Field>
        <Field.Label>{m.noteLabel}</Field.Label>
        <Textarea
          value={note}
          minRows={2}
          maxRows={5}
          maxLength={DOCUMENT_LIMITS.noteChars}
          disabled={isSending}
          onChange={(e) => setNote(e.target.value)}
        />
      </Field>
      <div style={styles.bottomRow}>
        <Field style={styles.grow}>
          <Field.Label>{m.maxFilesLabel}</Field.Label>
          <Input
            type="number"
            inputMode="numeric"
            isCompact
            min={1}
            max={DOCUMENT_LIMITS.maxFiles}
            value={maxFiles}
            disabled={isSending}
            validation={shown.maxFiles ? 'error' : undefined}
            aria-invalid={shown.maxFiles ? true : undefined}
            onChange={(e) => setMaxFiles(e.target.value)}
          />
          {shown.maxFiles && <Field.Message validation="error">{shown.maxFiles}</Field.Message>}
        </Field>
        <Field style={styles.grow}>
          <Field.Label>{m.expiryLabel}</Field.Label>
          <Input
            type="number"
            inputMode="numeric"
            isCompact
            min={1}
            max={MAX_HOURS}
            value={hours}
            disabled={isSending}
            validation={shown.hours ? 'error' : undefined}
            aria-invalid={shown.hours ? true : undefined}
            onChange={(e) => setHours(e.target.value)}
          />
          {shown.hours && <Field.Message validation="error">{shown.hours}</Field.Message>}
        </Field>
      </div>
      <Fieldset>
        <Fieldset.Legend>{m.typesLegend}</Fieldset.Legend>
        {DOCUMENT_TYPES.map((t) => (
          <Field key={t}>
            <Checkbox checked={types.includes(t)} disabled={isSending} onChange={(e) => setTypes((l) => toggle(l, t, e.target.checked))}>
              <Field.Label>{m.typeLabel[t]}</Field.Label>
            </Checkbox>
          </Field>
        ))}
        {shown.types && (
          <SM role="alert" style={styles.danger}>
            {shown.types}
          </SM>
        )}
      </Fieldset>
      <div style={styles.row}>
        <Button type="submit" isPrimary disabled={isSending} aria-busy={isSending || undefined}>
          {m.submit}
        </Button>
        <SM role="status">
          {isSending && (
            <>
              <Dots aria-hidden="true" /> {m.submitting}
            </>
          )}
        </SM>
      </div>
    </form>
  );
}
