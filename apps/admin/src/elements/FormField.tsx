import type { ReactNode } from 'react';
import { Field, Input, Textarea } from '@zendeskgarden/react-forms';

export interface FormFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  /** `secret`: a password field (never filled from the server); `pem`/`lines`: several lines. */
  type?: 'text' | 'url' | 'number' | 'secret' | 'pem' | 'lines';
  hint?: ReactNode;
  /** The API's (or the schema's) message for this field, shown under it. */
  error?: string;
  isOptional?: boolean;
  testId?: string;
}

/** A labelled Garden input with its hint and its error (aria-invalid, and the message tied to the field). */
export function FormField({ label, value, onChange, type = 'text', hint, error, isOptional, testId }: FormFieldProps) {
  const validation = error ? ('error' as const) : undefined;
  const common = { value, validation, 'data-testid': testId, onChange: (e: { target: { value: string } }) => onChange(e.target.value) };
  return (
    <Field>
      <Field.Label>
        {label}
        {isOptional && <span className="vs-optional"> (optional)</span>}
      </Field.Label>
      {hint && <Field.Hint>{hint}</Field.Hint>}
      {type === 'pem' || type === 'lines' ? (
        <Textarea {...common} rows={type === 'pem' ? 4 : 3} spellCheck={false} autoComplete="off" />
      ) : (
        <Input
          {...common}
          type={type === 'secret' ? 'password' : type === 'number' ? 'text' : type}
          inputMode={type === 'number' ? 'numeric' : undefined}
          autoComplete={type === 'secret' ? 'new-password' : 'off'}
          spellCheck={false}
        />
      )}
      {error && <Field.Message validation="error">{error}</Field.Message>}
    </Field>
  );
}
